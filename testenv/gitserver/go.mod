module kubectl-release/testenv/gitserver

go 1.26.0
