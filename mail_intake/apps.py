from django.apps import AppConfig


class MailIntakeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mail_intake"
    verbose_name = "SPOC mailbox"
