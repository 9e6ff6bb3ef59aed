CREATE INDEX "idx_change_log_at" ON "change_log" ("at");
CREATE TABLE "change_log" ( "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "kind" varchar(32) NOT NULL, "ids" text NOT NULL, "origin" varchar(36) NOT NULL, "actor" varchar(16) NOT NULL, "at" timestamp_with_timezone_text NOT NULL );
CREATE TABLE "media" ( "hash" varchar(64) NOT NULL PRIMARY KEY, "mime" varchar(64) NOT NULL, "bytes" integer NOT NULL, "width" integer NOT NULL, "height" integer NOT NULL, "created_at" timestamp_with_timezone_text NOT NULL );
CREATE TABLE "seaql_migrations" ( "version" varchar NOT NULL PRIMARY KEY, "applied_at" integer NOT NULL );
CREATE TABLE "seller_profile" ( "id" integer NOT NULL PRIMARY KEY, "shop_name" text NOT NULL, "contact_name" text NOT NULL, "phone" text NOT NULL, "email" text NOT NULL, "photo_hash" varchar(64) NULL, "ui_language" varchar(8) NOT NULL, "languages" text NOT NULL, "currency" varchar(3) NOT NULL, "updated_at" timestamp_with_timezone_text NOT NULL, FOREIGN KEY ("photo_hash") REFERENCES "media" ("hash") ON DELETE RESTRICT );
CREATE TABLE "setting" ( "key" varchar(64) NOT NULL PRIMARY KEY, "value" text NOT NULL, "updated_at" timestamp_with_timezone_text NOT NULL );
