"""Spreadsheet and CRM files in and out: encodings, delimiters, header mapping,
all-or-nothing imports with a row report (CSV and .xlsx), CSV, Excel and JSON exports."""
