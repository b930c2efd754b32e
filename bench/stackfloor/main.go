// Command stackfloor does nothing but link the modules mwoauth is required
// to use (cobra, lipgloss, golang-jwt, the MySQL and SQLite drivers), so
// that bench/run.sh can show the start-up cost of that stack alone: the
// package initialisation and page faults every mwoauth process pays before
// its main function runs.
package main

import (
	_ "github.com/charmbracelet/lipgloss"
	_ "github.com/go-sql-driver/mysql"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/ncruces/go-sqlite3/driver"
	_ "github.com/spf13/cobra"
)

func main() {}
