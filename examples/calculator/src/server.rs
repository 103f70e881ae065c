//! `calculator-server`: the calculator service of `examples/calculator/calculator.zrpc`.

fn main() {}
