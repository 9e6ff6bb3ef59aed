//! The languages Vefa's own interface speaks. (The languages a seller speaks with buyers are free
//! language codes in the profile.)

use serde::{Deserialize, Serialize};
use specta::Type;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type, Default)]
#[serde(rename_all = "lowercase")]
pub enum UiLanguage {
    #[default]
    En,
    Az,
    Tr,
    Fa,
}

impl UiLanguage {
    pub const ALL: [UiLanguage; 4] = [
        UiLanguage::En,
        UiLanguage::Az,
        UiLanguage::Tr,
        UiLanguage::Fa,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UiLanguage::En => "en",
            UiLanguage::Az => "az",
            UiLanguage::Tr => "tr",
            UiLanguage::Fa => "fa",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    pub fn is_rtl(self) -> bool {
        matches!(self, UiLanguage::Fa)
    }
}
