// Placeholder: the benchmark driver is written in bench/ (see bench/README.md).
print("ci-bench")
