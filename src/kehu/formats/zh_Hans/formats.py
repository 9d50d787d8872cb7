"""Numbers as Chinese business documents write them: 1,234,567.89. Django's own zh-Hans
formats leave out the separator, which makes amounts in the millions hard to read."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
