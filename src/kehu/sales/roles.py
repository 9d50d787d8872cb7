"""What the built-in roles get of the sales permissions."""

_READ = [
    "sales.view_lead",
    "sales.view_leadsource",
    "sales.view_opportunity",
    "sales.view_stage",
    "sales.view_salestarget",
]
_WRITE = [
    *_READ,
    "sales.add_lead",
    "sales.change_lead",
    "sales.add_opportunity",
    "sales.change_opportunity",
]
_MANAGE = [
    *_WRITE,
    "sales.delete_lead",
    "sales.delete_opportunity",
    "sales.add_salestarget",
    "sales.change_salestarget",
    "sales.delete_salestarget",
]
_ADMIN = [
    *_MANAGE,
    "sales.add_leadsource",
    "sales.change_leadsource",
    "sales.add_stage",
    "sales.change_stage",
    "sales.change_teamsettings",
]

GRANTS = {
    "admin": _ADMIN,
    "sales_manager": _MANAGE,
    "sales": _WRITE,
    "marketing": ["sales.view_lead", "sales.view_leadsource", "sales.add_lead"],
    "analyst": _READ,
}
