"""Where OAuth installations live: slack_sdk's SQLAlchemy stores, with tokens encrypted at rest."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, TypeVar

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, MetaData

from storage.token_cipher import SECRET_COLUMNS, TokenCipher

#: How long an "Add to Slack" link stays valid.
STATE_EXPIRATION_SECONDS = 600

_INSTALLATION_SECRETS = SECRET_COLUMNS["slack_installations"]
_BOT_SECRETS = SECRET_COLUMNS["slack_bots"]
_Entity = TypeVar("_Entity", Installation, Bot)


class EncryptedInstallationStore(InstallationStore):
    """slack_sdk's SQLAlchemy installation store; every token is encrypted before it is written."""

    def __init__(self, client_id: str, engine: Engine, cipher: TokenCipher) -> None:
        self._store = SQLAlchemyInstallationStore(client_id=client_id, engine=engine,
                                                  logger=logging.getLogger("podbrief.installations"))
        self._cipher = cipher

    @property
    def logger(self) -> logging.Logger:
        return self._store.logger

    def save(self, installation: Installation) -> None:
        self._store.save(_transformed(installation, _INSTALLATION_SECRETS, self._cipher.encrypt))

    def save_bot(self, bot: Bot) -> None:
        self._store.save_bot(_transformed(bot, _BOT_SECRETS, self._cipher.encrypt))

    def find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                 is_enterprise_install: bool | None = False) -> Bot | None:
        bot = self._store.find_bot(enterprise_id=enterprise_id, team_id=team_id,
                                   is_enterprise_install=is_enterprise_install)
        return None if bot is None else _transformed(bot, _BOT_SECRETS, self._cipher.decrypt)

    def find_installation(self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None,
                          is_enterprise_install: bool | None = False) -> Installation | None:
        installation = self._store.find_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id,
                                                     is_enterprise_install=is_enterprise_install)
        if installation is None:
            return None
        return _transformed(installation, _INSTALLATION_SECRETS, self._cipher.decrypt)

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self._store.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                            user_id: str | None = None) -> None:
        self._store.delete_installation(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self._store.delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        self._store.delete_installation(enterprise_id=enterprise_id, team_id=team_id)


def oauth_state_store(engine: Engine) -> SQLAlchemyOAuthStateStore:
    """One-time `state` values for the install link, kept in the database so any replica can check them."""
    return SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine,
                                     logger=logging.getLogger("podbrief.oauth_state"))


def purge_expired_states(engine: Engine, now: datetime) -> int:
    """Delete the install states that expired before `now` (links never clicked through); how many."""
    states = SQLAlchemyOAuthStateStore.build_oauth_states_table(MetaData(), SQLAlchemyOAuthStateStore.default_table_name)
    naive_utc = now.astimezone(UTC).replace(tzinfo=None)  # as slack_sdk stores expire_at
    with engine.begin() as connection:
        return connection.execute(states.delete().where(states.c.expire_at < naive_utc)).rowcount


def _transformed(entity: _Entity, secret_fields: tuple[str, ...], change: Any) -> _Entity:
    values = entity.to_dict_for_copying()
    for name in secret_fields:
        if name in values:
            values[name] = change(values[name])
    if isinstance(entity, Installation):
        return Installation(**values)
    return Bot(**values)
