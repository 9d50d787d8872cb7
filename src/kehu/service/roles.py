"""What the built-in roles get of the service permissions."""

_READ = [
    "service.view_ticket",
    "service.view_ticketkind",
    "service.view_serviceteam",
    "service.view_slapolicy",
    "service.view_businesscalendar",
    "service.view_article",
]
_WORK = [
    *_READ,
    "service.add_ticket",
    "service.change_ticket",
    "service.add_article",
    "service.change_article",
]
_ADMIN = [
    *_WORK,
    "service.delete_ticket",
    "service.publish_article",
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
    # Agents review each other's articles: no one publishes an article of their own.
    "service": [*_WORK, "service.publish_article"],
    "sales_manager": _WORK,
    "sales": _WORK,
    "analyst": _READ,
}
