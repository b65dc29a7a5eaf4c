"""Users (clerks, supervisors, admins) and shifts."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

from counter_app.storage.db import raw


@dataclass(frozen=True, slots=True)
class UserRow:
    user_id: int
    username: str
    full_name: str
    role: str
    pin_hash: str
    failed_attempts: int
    locked_until: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class ShiftRow:
    shift_id: str
    counter_code: str
    clerk: str
    business_date: str
    opened_at: str
    opening_float_paise: int
    closed_at: str | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def get_user(conn: Connection, username: str) -> UserRow | None:
    row = conn.execute(
        text(
            "SELECT user_id, username, full_name, role, pin_hash, failed_attempts, locked_until, active "
            "FROM users WHERE username=:u"
        ),
        {"u": username},
    ).first()
    if row is None:
        return None
    return UserRow(int(row[0]), row[1], row[2], row[3], row[4], int(row[5]), row[6], bool(row[7]))


def list_users(conn: Connection) -> list[tuple[str, str, str, bool]]:
    rows = conn.execute(text("SELECT username, full_name, role, active FROM users ORDER BY username")).all()
    return [(r[0], r[1], r[2], bool(r[3])) for r in rows]


def insert_user(conn: Connection, username: str, full_name: str, role: str, pin_hash: str, at: str) -> None:
    conn.execute(
        text(
            "INSERT INTO users (username, full_name, role, pin_hash, created_at) "
            "VALUES (:u, :n, :r, :p, :t)"
        ),
        {"u": username, "n": full_name, "r": role, "p": pin_hash, "t": at},
    )


def record_login_failure(conn: Connection, username: str, attempts: int, locked_until: str | None) -> None:
    conn.execute(
        text("UPDATE users SET failed_attempts=:a, locked_until=:l WHERE username=:u"),
        {"a": attempts, "l": locked_until, "u": username},
    )


def reset_login_failures(conn: Connection, username: str) -> None:
    conn.execute(
        text("UPDATE users SET failed_attempts=0, locked_until=NULL WHERE username=:u AND failed_attempts>0"),
        {"u": username},
    )


_SHIFT_COLS = "shift_id, counter_code, clerk, business_date, opened_at, opening_float_paise, closed_at"


def _shift(row: tuple[object, ...]) -> ShiftRow:
    return ShiftRow(str(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), int(str(row[5])),
                    None if row[6] is None else str(row[6]))


def open_shift_of(conn: Connection, clerk: str) -> ShiftRow | None:
    row = raw(conn).execute(
        f"SELECT {_SHIFT_COLS} FROM shifts WHERE clerk=? AND closed_at IS NULL ORDER BY opened_at DESC LIMIT 1",
        (clerk,),
    ).fetchone()
    return None if row is None else _shift(tuple(row))


def get_shift(conn: Connection, shift_id: str) -> ShiftRow | None:
    row = conn.execute(text(f"SELECT {_SHIFT_COLS} FROM shifts WHERE shift_id=:s"), {"s": shift_id}).first()
    return None if row is None else _shift(tuple(row))


def shifts_on(conn: Connection, business_date: str) -> list[ShiftRow]:
    rows = conn.execute(
        text(f"SELECT {_SHIFT_COLS} FROM shifts WHERE business_date=:d ORDER BY opened_at"), {"d": business_date}
    ).all()
    return [_shift(tuple(r)) for r in rows]


def insert_shift(conn: Connection, s: ShiftRow) -> None:
    conn.execute(
        text(
            f"INSERT INTO shifts ({_SHIFT_COLS}) VALUES (:shift_id, :counter_code, :clerk, :business_date, "
            ":opened_at, :opening_float_paise, :closed_at)"
        ),
        {
            "shift_id": s.shift_id, "counter_code": s.counter_code, "clerk": s.clerk,
            "business_date": s.business_date, "opened_at": s.opened_at,
            "opening_float_paise": s.opening_float_paise, "closed_at": s.closed_at,
        },
    )


def close_shift(conn: Connection, shift_id: str, at: str) -> None:
    conn.execute(text("UPDATE shifts SET closed_at=:t WHERE shift_id=:s AND closed_at IS NULL"),
                 {"t": at, "s": shift_id})
