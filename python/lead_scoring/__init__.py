"""Lead scoring warehouse: Python helpers around the dbt + DuckDB project (demo data, summary)."""
