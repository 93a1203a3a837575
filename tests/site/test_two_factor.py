import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def two_factor_admin(settings):
    """What DJANGO_ADMIN_REQUIRE_2FA=1 does when the URLconf loads."""
    settings.ADMIN_REQUIRE_2FA = True


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user(
        "editor", "editor@iom.int", "right-password", is_staff=True, is_superuser=True
    )


def current_code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def test_without_the_setting_a_password_is_enough(client, editor):
    response = client.post(LOGIN, {"username": "editor", "password": "right-password"})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_the_setting_a_password_alone_is_refused(client, editor, two_factor_admin):
    TOTPDevice.objects.create(user=editor, name="phone")
    response = client.post(LOGIN, {"username": "editor", "password": "right-password"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert client.get("/admin/").status_code == 302


def test_with_the_setting_password_and_code_sign_in(client, editor, two_factor_admin):
    device = TOTPDevice.objects.create(user=editor, name="phone")
    response = client.post(
        LOGIN,
        {
            "username": "editor",
            "password": "right-password",
            "otp_device": device.persistent_id,
            "otp_token": current_code(device),
        },
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_with_the_setting_a_signed_in_session_without_a_code_cannot_use_the_admin(
    client, editor, two_factor_admin
):
    client.force_login(editor)
    assert client.get("/admin/news/release/").status_code == 302


def test_devices_are_managed_in_the_admin(admin_client, django_user_model):
    assert admin_client.get("/admin/otp_totp/totpdevice/add/").status_code == 200
    device = TOTPDevice.objects.create(user=django_user_model.objects.get(), name="phone")
    qr_code = admin_client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/")
    assert qr_code.status_code == 200
    assert qr_code["Content-Type"] == "image/svg+xml"


def test_staff_without_device_permissions_cannot_read_the_secrets(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="phone")
    editor.is_superuser = False
    editor.save()
    client.force_login(editor)
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403


def test_a_wrong_code_is_refused(client, editor, two_factor_admin):
    device = TOTPDevice.objects.create(user=editor, name="phone")
    wrong = f"{(int(current_code(device)) + 1) % 10**6:06d}"
    response = client.post(
        LOGIN,
        {
            "username": "editor",
            "password": "right-password",
            "otp_device": device.persistent_id,
            "otp_token": wrong,
        },
    )
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302
