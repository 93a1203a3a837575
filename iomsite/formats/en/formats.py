# The organization writes dates day first ("5 December 2026"), as its releases do.
DATE_FORMAT = "j F Y"
# Embargo times say their time zone.
DATETIME_FORMAT = "j F Y, H:i T"
