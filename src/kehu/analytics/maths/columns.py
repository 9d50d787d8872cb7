"""The default column names of a transactions file, apart from the code that reads one, so
that the command line can offer them without importing Polars."""

from typing import Final

CUSTOMER: Final = "customer_id"
