from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with messages in the site's own words."""

    error_messages = {
        "invalid_login": (
            "Enter a correct username and password. Both are case-sensitive."
        ),
        "inactive": "This account is not active. Ask the service’s administrator to reactivate it.",
    }

    username = forms.CharField(max_length=150, strip=True)
    password = forms.CharField(strip=False, widget=forms.PasswordInput)
