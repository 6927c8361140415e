import pytest

from zoelife.security import passwords
from zoelife.security.common_passwords import LIST_PATH, is_common
from zoelife.security.passwords import PasswordRejected, check_rules, hash_password, verify_password


def test_argon2id_with_at_least_owasp_parameters():
    h = hash_password("a long enough passphrase")
    assert h.startswith("$argon2id$v=19$")
    params = dict(p.split("=") for p in h.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024 and int(params["t"]) >= 2
    assert verify_password(h, "a long enough passphrase")
    assert not verify_password(h, "a long enough passphrasE")
    assert not verify_password(None, "anything at all")


def test_length_limits_12_to_at_least_64():
    with pytest.raises(PasswordRejected, match="at least 12"):
        check_rules("elevenchars")
    check_rules("twelve chars")
    check_rules("x7" * 32)  # 64 characters
    check_rules("long passphrase " * 12)  # 192 characters
    with pytest.raises(PasswordRejected, match="at most"):
        check_rules("z" * (passwords.MAX_LENGTH + 1))


def test_no_composition_rules():
    # Lower-case letters and spaces only: accepted, as NIST SP 800-63B asks.
    check_rules("purple elephant rides")
    check_rules("ünïcödé päss phrase")


@pytest.mark.parametrize("common", ["password1234", "PASSWORD1234", "qwertyuiop123",
                                    "iloveyou2024", "passwordpassword", "111111111111",
                                    "welcometozoelife", "Password2023!"])
def test_common_passwords_are_refused(common):
    assert is_common(common)
    with pytest.raises(PasswordRejected, match="too common"):
        check_rules(common)


def test_the_shipped_list_is_substantial():
    lines = [x for x in LIST_PATH.read_text(encoding="utf-8").splitlines() if x]
    assert len(lines) >= 1000
    assert all(len(x) >= 8 for x in lines)
    assert sum(len(x) >= 12 for x in lines) >= 1000


def test_user_name_as_password_is_refused():
    with pytest.raises(PasswordRejected, match="user name"):
        check_rules("Reception.Desk1", username="reception.desk1")
