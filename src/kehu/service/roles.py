"""What the built-in roles get of the service permissions."""

_READ = [
    "service.view_ticket",
    "service.view_ticketkind",
    "service.view_serviceteam",
    "service.view_slapolicy",
    "service.view_businesscalendar",
]
_WORK = [*_READ, "service.add_ticket", "service.change_ticket"]
_ADMIN = [
    *_WORK,
    "service.delete_ticket",
    "service.add_ticketkind",
    "service.change_ticketkind",
    "service.add_serviceteam",
    "service.change_serviceteam",
    "service.add_slapolicy",
    "service.change_slapolicy",
    "service.add_businesscalendar",
    "service.change_businesscalendar",
]

GRANTS = {
    "admin": _ADMIN,
    "service": _WORK,
    "sales_manager": _WORK,
    "sales": _WORK,
    "analyst": _READ,
}
