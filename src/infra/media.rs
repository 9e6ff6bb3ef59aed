//! Content-addressed media: a picture is stored once, under the SHA-256 of its bytes, in the
//! app's data folder; the `media` table remembers its type and pixel size.

use crate::error::FieldCode;
use std::path::{Path, PathBuf};

use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use sha2::{Digest, Sha256};

use crate::error::{Error, FieldError, Result};
use crate::infra::store::entity::media;

/// What an image is, read from its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageFacts {
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
}

/// Reads type and size from the header; anything but PNG, JPEG or WebP is refused, and so is a
/// file whose header cannot be read. `field` names the form field in the error.
pub fn inspect_image(bytes: &[u8], field: &str) -> Result<ImageFacts, FieldError> {
    use imagesize::ImageType;
    let kind = imagesize::image_type(bytes)
        .map_err(|_| FieldError::new(field, FieldCode::ImageUnreadable))?;
    let mime = match kind {
        ImageType::Png => "image/png",
        ImageType::Jpeg => "image/jpeg",
        ImageType::Webp => "image/webp",
        _ => {
            return Err(
                FieldError::new(field, FieldCode::ImageType).with("allowed", "PNG, JPEG, WebP")
            );
        }
    };
    let size = imagesize::blob_size(bytes)
        .map_err(|_| FieldError::new(field, FieldCode::ImageUnreadable))?;
    if size.width == 0 || size.height == 0 || size.width > 20_000 || size.height > 20_000 {
        return Err(FieldError::new(field, FieldCode::ImageUnreadable));
    }
    Ok(ImageFacts {
        mime,
        width: size.width as u32,
        height: size.height as u32,
    })
}

/// Decodes a base64 upload and reads its picture facts; refuses an oversized upload before
/// decoding it (base64 is 4/3 of the bytes). `field` names the form field in errors.
pub fn decode_upload(
    data_base64: &str,
    max_bytes: usize,
    field: &str,
) -> Result<(Vec<u8>, ImageFacts)> {
    let too_large = || {
        Error::Validation(vec![
            FieldError::new(field, FieldCode::TooLarge).with("max_mib", max_bytes / (1024 * 1024)),
        ])
    };
    if data_base64.len() > max_bytes / 3 * 4 + 8 {
        return Err(too_large());
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data_base64.trim())
        .map_err(|_| Error::Validation(vec![FieldError::new(field, FieldCode::ImageUnreadable)]))?;
    if bytes.len() > max_bytes {
        return Err(too_large());
    }
    let facts = inspect_image(&bytes, field).map_err(|e| Error::Validation(vec![e]))?;
    Ok((bytes, facts))
}

#[derive(Debug, Clone)]
pub struct MediaStore {
    dir: PathBuf,
}

/// A picture written to the media folder, not yet recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub hash: String,
    pub facts: ImageFacts,
    pub bytes: i64,
}

/// Records a written picture (once).
pub async fn record<C: ConnectionTrait>(
    db: &C,
    stored: &Stored,
    now: DateTime<Utc>,
) -> Result<media::Model> {
    if let Some(existing) = media::Entity::find_by_id(stored.hash.clone())
        .one(db)
        .await?
    {
        return Ok(existing);
    }
    Ok(row(stored, now).insert(db).await?)
}

/// The `media` row of a written picture.
pub fn row(stored: &Stored, now: DateTime<Utc>) -> media::ActiveModel {
    media::ActiveModel {
        hash: Set(stored.hash.clone()),
        mime: Set(stored.facts.mime.to_owned()),
        bytes: Set(stored.bytes),
        width: Set(stored.facts.width as i32),
        height: Set(stored.facts.height as i32),
        created_at: Set(now),
    }
}

impl MediaStore {
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path_of(&self, hash: &str) -> PathBuf {
        self.dir.join(&hash[..2]).join(hash)
    }

    /// Stores the bytes (once) and records them. The file is written before the row, atomically
    /// (temp file + rename); a rolled-back row leaves only an unreferenced file behind.
    pub async fn put<C: ConnectionTrait>(
        &self,
        db: &C,
        bytes: &[u8],
        facts: &ImageFacts,
        now: DateTime<Utc>,
    ) -> Result<media::Model> {
        let hash = hex::encode(Sha256::digest(bytes));
        if let Some(existing) = media::Entity::find_by_id(hash.clone()).one(db).await?
            && self.path_of(&hash).exists()
        {
            return Ok(existing);
        }
        let stored = self.write(bytes, facts)?;
        record(db, &stored, now).await
    }

    /// Writes the bytes to their file (once), without recording them: for pictures fetched
    /// outside a transaction, recorded with [`record`] inside it.
    pub fn write(&self, bytes: &[u8], facts: &ImageFacts) -> Result<Stored> {
        let hash = hex::encode(Sha256::digest(bytes));
        let path = self.path_of(&hash);
        if !path.exists() {
            let dir = path.parent().unwrap_or(&self.dir).to_path_buf();
            std::fs::create_dir_all(&dir).map_err(|e| Error::file(&dir, e))?;
            let tmp = dir.join(format!(".{hash}.tmp-{}", uuid::Uuid::new_v4()));
            std::fs::write(&tmp, bytes).map_err(|e| Error::file(&tmp, e))?;
            std::fs::rename(&tmp, &path).map_err(|e| Error::file(&path, e))?;
        }
        Ok(Stored {
            hash,
            facts: facts.clone(),
            bytes: bytes.len() as i64,
        })
    }

    pub fn read(&self, hash: &str) -> Result<Vec<u8>> {
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::Corrupt(format!("media hash {hash:?}")));
        }
        let path = self.path_of(hash);
        std::fs::read(&path).map_err(|e| Error::file(&path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A 1×1 transparent PNG.
    pub(crate) const PNG_1X1: &[u8] = &[
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f,
        0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00,
        0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49,
        0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ];

    #[test]
    fn reads_png_header() {
        let facts = inspect_image(PNG_1X1, "photo").unwrap();
        assert_eq!(
            facts,
            ImageFacts {
                mime: "image/png",
                width: 1,
                height: 1
            }
        );
    }

    #[test]
    fn refuses_what_is_not_an_image() {
        let err = inspect_image(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "photo").unwrap_err();
        assert_eq!(err.field, "photo");
        assert!(
            err.code == "image_unreadable" || err.code == "image_type",
            "{err:?}"
        );
        let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
        assert_eq!(inspect_image(gif, "photo").unwrap_err().code, "image_type");
    }
}
