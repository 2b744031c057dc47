module github.com/devsecops-reference/taskboard

go 1.26
