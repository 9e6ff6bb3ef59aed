//! Catalog files as sellers bring them: Etsy's CSV export with good and bad rows.

use std::path::Path;

pub const ETSY_HEADER: &str = "TITLE,DESCRIPTION,PRICE,CURRENCY_CODE,QUANTITY,TAGS,MATERIALS,IMAGE1,IMAGE2,VARIATION 1 TYPE,VARIATION 1 NAME,VARIATION 1 VALUES,VARIATION 2 TYPE,VARIATION 2 NAME,VARIATION 2 VALUES,SKU";

/// Three good rows (one with a multi-line description, one Persian, one with two variation
/// axes and a local photo), one with a negative price, one not in UTF-8.
pub fn etsy_file(dir: &Path) -> Vec<u8> {
    std::fs::write(dir.join("kilim.png"), super::png_bytes(1200, 1000, 7)).unwrap();
    let mut f = format!("\u{feff}{ETSY_HEADER}\n").into_bytes();
    f.extend_from_slice(
        b"\"Kilim, hand-woven\",\"Wool kilim.\nWoven in Quba, 1 of 1.\",120.00,EUR,1,\"rug,kilim\",wool,kilim.png,https://i.etsystatic.com/x.jpg,,,,,,,KILIM-1\n",
    );
    f.extend_from_slice("دیوان حافظ,چاپ سنگی,35.5,EUR,3,کتاب,,,,,,,,,,BOOK-FA\n".as_bytes());
    f.extend_from_slice(b"Mug,Stoneware mug,-4,EUR,2,,,,,,,,,,,MUG-NEG\n");
    f.extend_from_slice(b"Broken \xff\xfe title,x,5,EUR,1,,,,,,,,,,,BROKEN-1\n");
    f.extend_from_slice(
        b"T-shirt,Cotton tee,18,EUR,5,,cotton,,,Size,Size,\"S,M,L\",Colour,Colour,\"red,blue\",TEE-1\n",
    );
    f
}
