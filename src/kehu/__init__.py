"""Kehu (客户): a customer relationship management system a company runs itself."""
