import argparse
import subprocess
import sys

import pytest

from zoelife import cli


def _all_commands(parser, prefix=()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield prefix + (name,)
                yield from _all_commands(sub, prefix + (name,))


def test_every_command_has_help(capsys):
    commands = list(_all_commands(cli.build_parser()))
    assert ("db", "upgrade") in commands and ("demo",) in commands
    for command in commands:
        with pytest.raises(SystemExit) as exc:
            cli.main([*command, "--help"])
        assert exc.value.code == 0
        assert "usage: zoelife" in capsys.readouterr().out


def test_db_upgrade_creates_the_schema(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'z.db'}"
    assert cli.main(["--database", url, "db", "upgrade"]) == 0
    assert "database at revision" in capsys.readouterr().out
    assert cli.main(["--database", url, "db", "current"]) == 0


def test_bad_input_is_exit_2_with_one_line(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'z.db'}"
    assert cli.main(["--database", url, "demo", "--requests", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("zoelife: ") and err.count("\n") == 1


def test_a_missing_folder_is_an_error_until_db_upgrade_creates_the_clinic(tmp_path, capsys):
    folder = tmp_path / "new-clinic"
    url = f"sqlite:///{folder / 'zoelife.db'}"
    for command in (["users", "list"], ["demo", "--requests", "5"], ["oncall", "check"]):
        assert cli.main(["--database", url, *command]) == 1
        err = capsys.readouterr().err
        assert err.startswith("zoelife: The database's folder does not exist, so no clinic "
                              "was opened") and err.count("\n") == 1
        assert "`zoelife db upgrade`" in err
        assert not folder.exists()
    assert cli.main(["--database", url, "db", "upgrade"]) == 0
    assert "database at revision" in capsys.readouterr().out
    assert (folder / "zoelife.db").is_file()
    assert cli.main(["--database", url, "users", "list"]) == 0


def test_python_dash_m_entry_point(tmp_path):
    result = subprocess.run([sys.executable, "-m", "zoelife", "--version"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("zoelife ")


def test_a_database_that_cannot_be_opened_is_exit_1_with_one_line(tmp_path, capsys):
    # mode=rw never creates the file: a database on a disk that is not mounted.
    url = f"sqlite:///file:{tmp_path / 'not-mounted' / 'z.db'}?mode=rw&uri=true"
    assert cli.main(["--database", url, "db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("zoelife: The database file could not be opened")
    assert err.count("\n") == 1
    assert not (tmp_path / "not-mounted").exists()
