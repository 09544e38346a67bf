"""Russian date formats: the day first and the month in the genitive ("3 ноября 2026")."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
