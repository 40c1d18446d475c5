"""One thin module per noun: parse, call, render."""
