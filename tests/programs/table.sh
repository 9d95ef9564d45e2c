#!/bin/sh
# table.sh - the table of func.sh over the test space, for `ictune simulate`:
# the same numbers the program prints, so a run and a simulation must agree.
awk 'BEGIN {
    print "x,y,k,f,g"
    split("a b c", ks, " ")
    for (x = 0; x <= 14; x++) for (y = 0; y <= 9; y++) for (i = 1; i <= 3; i++) {
        k = ks[i]; b = (k == "a") ? 0.7 : (k == "b") ? 0 : 0.3
        printf "%d,%d,%s,%.6f,%.6f\n", x, y, k, (x - 11) ^ 2 / 30 + (y - 2) ^ 2 / 5 + b, x + y
    }
}'
