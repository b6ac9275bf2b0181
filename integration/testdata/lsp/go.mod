module example.com/lspeditor

go 1.26.0
