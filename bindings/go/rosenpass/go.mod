module rosenpass.eu/cpp/rosenpass

go 1.19
