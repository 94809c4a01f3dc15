"""Telegram bots (aiogram 3, webhook mode): the report bot."""
