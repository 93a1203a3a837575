"""Emails the site sends (alerts, confirmations, review notices), each from three templates."""

import email.policy

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

# Lines as long as RFC 5322 allows (998 characters) rather than the 78 that Python folds at: a
# long link then stays whole and readable, in the text and in the files of var/mail/, instead
# of being quoted-printable.
LONG_LINES = email.policy.default.clone(max_line_length=998)


class Email(EmailMultiAlternatives):
    def message(self, *, policy=LONG_LINES):
        return super().message(policy=policy)


def composed(template, context, to, language, headers=None):
    """An email from templates/emails/<template>_subject.txt, .txt and .html, in a language."""
    with translation.override(language):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        message = Email(
            " ".join(subject.split()),
            render_to_string(f"emails/{template}.txt", context),
            to=[to],
            headers={"Auto-Submitted": "auto-generated", **(headers or {})},
        )
        message.attach_alternative(
            render_to_string(f"emails/{template}.html", context), "text/html"
        )
    return message
