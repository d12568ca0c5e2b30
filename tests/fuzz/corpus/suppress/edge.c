// ftlint: ignore[FT001
/* ftlint: ignore-file[*] x */ R"d(ftlint: ignore[x])d" 1'000 "\
" // ftlint: ignore[borrowed-ref, , FT999] \
 next
