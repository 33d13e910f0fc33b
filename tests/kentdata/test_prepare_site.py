import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from areas.models import Area
from tests.factories import AreaFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_first_start_creates_one_admin_with_a_random_password_printed_once(capsys):
    """On an empty user table the run command makes one superuser and prints its password once."""
    AreaFactory()  # data already loaded: this test is about the account
    call_command("prepare_site")
    out = capsys.readouterr().out
    password = out.split("password: ")[1].split()[0]
    assert len(password) >= 20
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)

    call_command("prepare_site")
    again = capsys.readouterr().out
    assert "password" not in again
    assert get_user_model().objects.count() == 1


def test_first_start_passwords_differ_between_databases(capsys):
    """The password is generated, never a fixed default."""
    AreaFactory()
    call_command("prepare_site")
    first = capsys.readouterr().out.split("password: ")[1].split()[0]
    get_user_model().objects.all().delete()
    call_command("prepare_site")
    second = capsys.readouterr().out.split("password: ")[1].split()[0]
    assert first != second


def test_no_admin_is_created_when_accounts_exist(capsys):
    """An existing account means no new admin and no password on screen."""
    AreaFactory()
    get_user_model().objects.create_user("officer", password="x-long-password-1")
    call_command("prepare_site")
    assert "password" not in capsys.readouterr().out
    assert not get_user_model().objects.filter(username="admin").exists()


def test_first_start_on_an_empty_database_loads_kent(capsys):
    """With no areas, the run command loads the committed Kent extract."""
    assert not Area.objects.exists()
    call_command("prepare_site")
    assert Area.objects.in_kent().count() == 902


def test_first_start_creates_the_admin_even_though_the_load_made_its_system_account(capsys):
    """load_kent's own system account (which cannot sign in) does not stop the first admin."""
    from areas.history import system_user

    AreaFactory()
    system_user()
    call_command("prepare_site")
    assert "username: admin" in capsys.readouterr().out
    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()
