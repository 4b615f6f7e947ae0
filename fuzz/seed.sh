#!/bin/sh
# Seeds the fuzz corpus from the examples and the UI cases: one input per
# spec, its files joined by NUL bytes (the separator the target splits on).
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/pipeline
for dir in ../examples/*/ ../tests/ui/*/; do
    files=$(find "$dir" -name '*.env' ! -name '.*' | sort)
    [ -n "$files" ] || continue
    out="corpus/pipeline/$(basename "$dir")"
    : > "$out"
    first=1
    for f in $files; do
        [ "$first" = 1 ] || printf '\0' >> "$out"
        first=0
        cat "$f" >> "$out"
    done
done
echo "seeded $(ls corpus/pipeline | wc -l) inputs into fuzz/corpus/pipeline"
