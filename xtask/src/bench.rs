pub fn bench() -> crate::steps::Result {
    Err("not yet".into())
}
