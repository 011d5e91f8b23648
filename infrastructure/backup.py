"""AWS Backup: daily recovery points of the system of record and the history tables, kept
apart from the stores themselves so a deleted cluster or table can still be restored."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.backup_plan import BackupPlan, BackupPlanRule, BackupPlanRuleLifecycle
from cdktf_cdktf_provider_aws.backup_selection import BackupSelection
from cdktf_cdktf_provider_aws.backup_vault import BackupVault
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from constructs import Construct

from infrastructure.config import EnvironmentConfig
from infrastructure.policies import assume_role_policy

BACKUP_POLICIES = (
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
)


class Backups(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: EnvironmentConfig,
        key: KmsKey,
        resource_arns: list[str],
    ) -> None:
        super().__init__(scope, id_)
        vault = BackupVault(self, "vault", name=config.prefix, kms_key_arn=key.arn)
        plan = BackupPlan(
            self,
            "plan",
            name=config.prefix,
            rule=[
                BackupPlanRule(
                    rule_name="daily",
                    target_vault_name=vault.name,
                    schedule="cron(0 3 * * ? *)",
                    lifecycle=BackupPlanRuleLifecycle(delete_after=config.backup_retention_days),
                )
            ],
        )
        role = IamRole(
            self,
            "role",
            name=f"{config.prefix}-backup",
            assume_role_policy=assume_role_policy(self, "trust", "backup.amazonaws.com").json,
        )
        for index, policy_arn in enumerate(BACKUP_POLICIES):
            IamRolePolicyAttachment(self, f"managed-{index}", role=role.name, policy_arn=policy_arn)
        BackupSelection(
            self,
            "selection",
            name=config.prefix,
            plan_id=plan.id,
            iam_role_arn=role.arn,
            resources=resource_arns,
        )
