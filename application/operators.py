"""Use cases of the exchange's operators: who is one (a user with the admin role and two-factor
authentication enabled), the first admin's grant, and the audit log of their acts."""

from attrs import define

from application.errors import ApplicationError, NotFound
from application.ports import Clock, UnitOfWorkFactory
from application.records import AuditEntry, User
from application.two_factor import TwoFactorAuth

TOKEN_ACTOR = "token"  # the holder of the shared admin token, a machine


class NotAnAdmin(ApplicationError):
    def __init__(self) -> None:
        super().__init__("This user is not an admin of the exchange.")


class AdminWithoutTwoFactor(ApplicationError):
    """An admin may act only once a second factor guards the login (the login then asks for
    a code every time)."""

    def __init__(self) -> None:
        super().__init__(
            "Admin acts require two-factor authentication: enable it (POST "
            "/api/v1/two-factor/enrolment, then /api/v1/two-factor/enable) and log in again."
        )


@define
class Operators:
    unit_of_work: UnitOfWorkFactory
    two_factor: TwoFactorAuth
    clock: Clock

    async def actor(self, user_id: int) -> str:
        """The name an admin's acts are recorded under (the email), or a refusal: a user
        without the admin role, or an admin without two-factor authentication."""
        async with self.unit_of_work() as uow:
            user = await uow.users.get(user_id)
            admin = await uow.admins.is_admin(user_id)
        if user is None or not admin:
            raise NotAnAdmin()
        if not (await self.two_factor.status(user_id)).enabled:
            raise AdminWithoutTwoFactor()
        return user.email

    async def grant_admin(self, email: str) -> User:
        """Gives the user of `email` the admin role: how the first admin comes to be."""
        async with self.unit_of_work() as uow:
            user = await uow.users.by_email(email.strip().lower())
            if user is None:
                raise NotFound(f"No user signed up with {email!r}.")
            await uow.admins.grant(user.user_id, self.clock.now())
            await uow.commit()
        return user

    async def find_user(self, email: str | None, user_id: int | None) -> User | None:
        """A user by email (as signed up, in any case) or by id."""
        async with self.unit_of_work() as uow:
            if email is not None:
                return await uow.users.by_email(email.strip().lower())
            return None if user_id is None else await uow.users.get(user_id)

    async def search_users(self, fragment: str, limit: int) -> list[User]:
        async with self.unit_of_work() as uow:
            return await uow.users.search(fragment, limit)

    async def record(self, actor: str, act: str, params: dict[str, str], reason: str) -> None:
        """Appends an act to the audit log: called by every admin act once it is carried out,
        with the act's parameters as text (amounts as decimal strings)."""
        async with self.unit_of_work() as uow:
            await uow.audit_log.add(self.clock.now(), actor, act, params, reason)
            await uow.commit()

    async def audit(
        self,
        actor: str | None,
        act: str | None,
        start: int | None,
        end: int | None,
        before_id: int | None,
        limit: int,
    ) -> list[AuditEntry]:
        async with self.unit_of_work() as uow:
            return await uow.audit_log.entries(actor, act, start, end, before_id, limit)
