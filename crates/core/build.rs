// `sqlx::migrate!` embeds the migrations at compile time but does not tell cargo
// to watch the folder: without this, a new migration file alone would not be
// picked up until some source of this crate changed.
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
