//! Orders with their lines and timeline, the problems flagged on them, the customers who place
//! them, and the stock ledger that every sale and restock writes.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Customer {
    Table,
    Id,
    Name,
    Email,
    Phone,
    Marketplace,
    MarketplaceBuyerId,
    Language,
    Notes,
    CreatedAt,
    UpdatedAt,
}

/// The words of a buyer's name, e-mail and phone, folded (`orders::customers::tokens`): the
/// inbox search finds buyers by word prefix through this index instead of scanning every buyer.
#[derive(DeriveIden)]
enum CustomerToken {
    Table,
    Token,
    CustomerId,
}

#[derive(DeriveIden)]
enum SalesOrder {
    Table,
    Id,
    Channel,
    Marketplace,
    MarketplaceOrderId,
    CustomerId,
    Status,
    Currency,
    SubtotalMinor,
    ShippingMinor,
    VatMinor,
    DiscountMinor,
    CouponCode,
    TotalMinor,
    Address,
    BuyerNote,
    PlacedAt,
    ShipBy,
    ConfirmedAt,
    Carrier,
    Tracking,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrderLine {
    Table,
    Id,
    OrderId,
    Position,
    ListingId,
    Sku,
    Title,
    Quantity,
    UnitPriceMinor,
}

#[derive(DeriveIden)]
enum OrderEvent {
    Table,
    Id,
    OrderId,
    At,
    Actor,
    Kind,
    StatusFrom,
    StatusTo,
    Detail,
}

#[derive(DeriveIden)]
enum OrderProblem {
    Table,
    Id,
    OrderId,
    Kind,
    Note,
    OpenedAt,
    ResolvedAt,
    Resolution,
}

#[derive(DeriveIden)]
enum StockMovement {
    Table,
    Id,
    ListingId,
    Sku,
    Delta,
    Reason,
    SourceKey,
    At,
}

#[derive(DeriveIden)]
enum Listing {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum OrderStatusCount {
    Table,
    Status,
    Orders,
}

fn id<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .integer()
        .not_null()
        .auto_increment()
        .primary_key()
        .to_owned()
}

fn time<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name)
        .timestamp_with_time_zone()
        .not_null()
        .to_owned()
}

fn money<T: IntoIden>(name: T) -> ColumnDef {
    ColumnDef::new(name).big_integer().not_null().to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Customer::Table)
                    .col(id(Customer::Id))
                    .col(ColumnDef::new(Customer::Name).text().not_null())
                    .col(ColumnDef::new(Customer::Email).text().null())
                    .col(ColumnDef::new(Customer::Phone).text().null())
                    .col(ColumnDef::new(Customer::Marketplace).string_len(16).null())
                    .col(
                        ColumnDef::new(Customer::MarketplaceBuyerId)
                            .string_len(64)
                            .null(),
                    )
                    .col(ColumnDef::new(Customer::Language).string_len(8).not_null())
                    .col(ColumnDef::new(Customer::Notes).text().not_null())
                    .col(time(Customer::CreatedAt))
                    .col(time(Customer::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // Prefix ranges on `token` need code-point order; PostgreSQL's default collation is not.
        let mut token = ColumnDef::new(CustomerToken::Token);
        token.text().not_null();
        if manager.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Postgres {
            token.extra("COLLATE \"C\"");
        }
        manager
            .create_table(
                Table::create()
                    .table(CustomerToken::Table)
                    .col(token)
                    .col(
                        ColumnDef::new(CustomerToken::CustomerId)
                            .integer()
                            .not_null(),
                    )
                    .primary_key(
                        Index::create()
                            .col(CustomerToken::Token)
                            .col(CustomerToken::CustomerId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customer_token_customer")
                            .from(CustomerToken::Table, CustomerToken::CustomerId)
                            .to(Customer::Table, Customer::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SalesOrder::Table)
                    .col(id(SalesOrder::Id))
                    .col(
                        ColumnDef::new(SalesOrder::Channel)
                            .string_len(16)
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(SalesOrder::Marketplace)
                            .string_len(16)
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SalesOrder::MarketplaceOrderId)
                            .string_len(64)
                            .null(),
                    )
                    .col(ColumnDef::new(SalesOrder::CustomerId).integer().not_null())
                    .col(ColumnDef::new(SalesOrder::Status).string_len(20).not_null())
                    .col(
                        ColumnDef::new(SalesOrder::Currency)
                            .string_len(3)
                            .not_null(),
                    )
                    .col(money(SalesOrder::SubtotalMinor))
                    .col(money(SalesOrder::ShippingMinor))
                    .col(money(SalesOrder::VatMinor))
                    .col(money(SalesOrder::DiscountMinor))
                    .col(ColumnDef::new(SalesOrder::CouponCode).text().null())
                    .col(money(SalesOrder::TotalMinor))
                    .col(ColumnDef::new(SalesOrder::Address).text().not_null())
                    .col(ColumnDef::new(SalesOrder::BuyerNote).text().not_null())
                    .col(time(SalesOrder::PlacedAt))
                    .col(
                        ColumnDef::new(SalesOrder::ShipBy)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(
                        ColumnDef::new(SalesOrder::ConfirmedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(SalesOrder::Carrier).text().null())
                    .col(ColumnDef::new(SalesOrder::Tracking).text().null())
                    .col(time(SalesOrder::CreatedAt))
                    .col(time(SalesOrder::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sales_order_customer")
                            .from(SalesOrder::Table, SalesOrder::CustomerId)
                            .to(Customer::Table, Customer::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrderLine::Table)
                    .col(id(OrderLine::Id))
                    .col(ColumnDef::new(OrderLine::OrderId).integer().not_null())
                    .col(ColumnDef::new(OrderLine::Position).integer().not_null())
                    .col(ColumnDef::new(OrderLine::ListingId).integer().null())
                    .col(ColumnDef::new(OrderLine::Sku).text().null())
                    .col(ColumnDef::new(OrderLine::Title).text().not_null())
                    .col(ColumnDef::new(OrderLine::Quantity).integer().not_null())
                    .col(money(OrderLine::UnitPriceMinor))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_order_line_order")
                            .from(OrderLine::Table, OrderLine::OrderId)
                            .to(SalesOrder::Table, SalesOrder::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    // A listing deleted later leaves the line's own title, SKU and price.
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_order_line_listing")
                            .from(OrderLine::Table, OrderLine::ListingId)
                            .to(Listing::Table, Listing::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrderEvent::Table)
                    .col(id(OrderEvent::Id))
                    .col(ColumnDef::new(OrderEvent::OrderId).integer().not_null())
                    .col(time(OrderEvent::At))
                    .col(ColumnDef::new(OrderEvent::Actor).string_len(16).not_null())
                    .col(ColumnDef::new(OrderEvent::Kind).string_len(24).not_null())
                    .col(ColumnDef::new(OrderEvent::StatusFrom).string_len(20).null())
                    .col(ColumnDef::new(OrderEvent::StatusTo).string_len(20).null())
                    .col(ColumnDef::new(OrderEvent::Detail).text().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_order_event_order")
                            .from(OrderEvent::Table, OrderEvent::OrderId)
                            .to(SalesOrder::Table, SalesOrder::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrderProblem::Table)
                    .col(id(OrderProblem::Id))
                    .col(ColumnDef::new(OrderProblem::OrderId).integer().not_null())
                    .col(ColumnDef::new(OrderProblem::Kind).string_len(24).not_null())
                    .col(ColumnDef::new(OrderProblem::Note).text().not_null())
                    .col(time(OrderProblem::OpenedAt))
                    .col(
                        ColumnDef::new(OrderProblem::ResolvedAt)
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .col(ColumnDef::new(OrderProblem::Resolution).text().null())
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_order_problem_order")
                            .from(OrderProblem::Table, OrderProblem::OrderId)
                            .to(SalesOrder::Table, SalesOrder::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(StockMovement::Table)
                    .col(id(StockMovement::Id))
                    // By SKU, not variant id: saving a listing rewrites its variant rows, and the
                    // ledger must outlive that (and the listing itself).
                    .col(ColumnDef::new(StockMovement::ListingId).integer().null())
                    .col(ColumnDef::new(StockMovement::Sku).text().not_null())
                    .col(ColumnDef::new(StockMovement::Delta).integer().not_null())
                    .col(
                        ColumnDef::new(StockMovement::Reason)
                            .string_len(24)
                            .not_null(),
                    )
                    // What caused the movement ("order:12:line:0:sale"): a re-synced or
                    // re-entered order never moves stock twice.
                    .col(
                        ColumnDef::new(StockMovement::SourceKey)
                            .string_len(96)
                            .not_null()
                            .unique_key(),
                    )
                    .col(time(StockMovement::At))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_stock_movement_listing")
                            .from(StockMovement::Table, StockMovement::ListingId)
                            .to(Listing::Table, Listing::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        // Orders per status, kept by every write that moves an order: the inbox shows these
        // counts on each page, and counting a million orders each time costs far more.
        manager
            .create_table(
                Table::create()
                    .table(OrderStatusCount::Table)
                    .col(
                        ColumnDef::new(OrderStatusCount::Status)
                            .string_len(20)
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(OrderStatusCount::Orders)
                            .big_integer()
                            .not_null(),
                    )
                    .to_owned(),
            )
            .await?;

        let unique = [
            (
                "idx_customer_marketplace_buyer",
                Customer::Table.into_iden(),
                vec![
                    Customer::Marketplace.into_iden(),
                    Customer::MarketplaceBuyerId.into_iden(),
                ],
                true,
            ),
            (
                // The order id first: the inbox search looks an order up by it alone.
                "idx_sales_order_marketplace_id",
                SalesOrder::Table.into_iden(),
                vec![
                    SalesOrder::MarketplaceOrderId.into_iden(),
                    SalesOrder::Marketplace.into_iden(),
                ],
                true,
            ),
        ];
        let plain = [
            (
                "idx_customer_email",
                Customer::Table.into_iden(),
                vec![Customer::Email.into_iden()],
            ),
            // Rewriting a buyer's tokens, and the cascade when a buyer is deleted.
            (
                "idx_customer_token_customer",
                CustomerToken::Table.into_iden(),
                vec![CustomerToken::CustomerId.into_iden()],
            ),
            (
                "idx_customer_phone",
                Customer::Table.into_iden(),
                vec![Customer::Phone.into_iden()],
            ),
            // The inbox: by status, newest first.
            (
                "idx_sales_order_status_placed",
                SalesOrder::Table.into_iden(),
                vec![
                    SalesOrder::Status.into_iden(),
                    SalesOrder::PlacedAt.into_iden(),
                ],
            ),
            (
                "idx_sales_order_placed",
                SalesOrder::Table.into_iden(),
                vec![SalesOrder::PlacedAt.into_iden()],
            ),
            (
                "idx_sales_order_channel_placed",
                SalesOrder::Table.into_iden(),
                vec![
                    SalesOrder::Channel.into_iden(),
                    SalesOrder::PlacedAt.into_iden(),
                ],
            ),
            (
                "idx_sales_order_channel_status_placed",
                SalesOrder::Table.into_iden(),
                vec![
                    SalesOrder::Channel.into_iden(),
                    SalesOrder::Status.into_iden(),
                    SalesOrder::PlacedAt.into_iden(),
                ],
            ),
            (
                "idx_sales_order_customer",
                SalesOrder::Table.into_iden(),
                vec![SalesOrder::CustomerId.into_iden()],
            ),
            (
                "idx_order_line_order",
                OrderLine::Table.into_iden(),
                vec![OrderLine::OrderId.into_iden()],
            ),
            (
                "idx_order_line_sku",
                OrderLine::Table.into_iden(),
                vec![OrderLine::Sku.into_iden()],
            ),
            (
                "idx_order_event_order",
                OrderEvent::Table.into_iden(),
                vec![OrderEvent::OrderId.into_iden()],
            ),
            (
                "idx_order_problem_order",
                OrderProblem::Table.into_iden(),
                vec![OrderProblem::OrderId.into_iden()],
            ),
            // The inbox's problem filter: the open ones of a kind, answered from the index.
            (
                "idx_order_problem_open",
                OrderProblem::Table.into_iden(),
                vec![
                    OrderProblem::ResolvedAt.into_iden(),
                    OrderProblem::Kind.into_iden(),
                    OrderProblem::OrderId.into_iden(),
                ],
            ),
            (
                "idx_stock_movement_sku",
                StockMovement::Table.into_iden(),
                vec![StockMovement::Sku.into_iden()],
            ),
            (
                "idx_stock_movement_listing",
                StockMovement::Table.into_iden(),
                vec![StockMovement::ListingId.into_iden()],
            ),
        ];
        let all = unique
            .into_iter()
            .chain(plain.into_iter().map(|(n, t, c)| (n, t, c, false)));
        for (name, table, columns, is_unique) in all {
            let mut index = Index::create();
            index.name(name).table(table);
            for c in columns {
                index.col(c);
            }
            if is_unique {
                index.unique();
            }
            manager.create_index(index.to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OrderStatusCount::Table.into_iden(),
            StockMovement::Table.into_iden(),
            OrderProblem::Table.into_iden(),
            OrderEvent::Table.into_iden(),
            OrderLine::Table.into_iden(),
            SalesOrder::Table.into_iden(),
            CustomerToken::Table.into_iden(),
            Customer::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
