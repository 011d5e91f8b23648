"""The application load balancer: TLS termination, WebSocket traffic from clients (streams to
the websocket service, the WebSocket API to the api service), and REST traffic and the web page
only when they come through API Gateway's VPC link."""

from __future__ import annotations

from cdktf_cdktf_provider_aws.lb import Lb, LbAccessLogs
from cdktf_cdktf_provider_aws.lb_listener import (
    LbListener,
    LbListenerDefaultAction,
    LbListenerDefaultActionFixedResponse,
)
from cdktf_cdktf_provider_aws.lb_listener_certificate import LbListenerCertificate
from cdktf_cdktf_provider_aws.lb_listener_rule import (
    LbListenerRule,
    LbListenerRuleAction,
    LbListenerRuleCondition,
    LbListenerRuleConditionPathPattern,
    LbListenerRuleConditionSourceIp,
)
from cdktf_cdktf_provider_aws.lb_target_group import LbTargetGroup, LbTargetGroupHealthCheck
from constructs import Construct

from infrastructure.config import EnvironmentConfig
from infrastructure.containers import READINESS_PATH
from infrastructure.logs import LOAD_BALANCER_LOG_PREFIX, Logs
from infrastructure.network import Network
from infrastructure.security_groups import API_PORT, HTTPS_PORT, WEBSOCKET_PORT, SecurityGroups

TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
# Long enough for quiet WebSocket connections between the server's pings.
IDLE_TIMEOUT_SECONDS = 3600
REST_PATHS = ["/api/*", "/account/*"]
# The trading page's HTML (its assets come from CloudFront).
PAGE_PATHS = ["/", "/trade/*"]
WEBSOCKET_PATHS = ["/ws", "/ws/*", "/stream", "/stream/*"]
WEBSOCKET_API_PATHS = ["/ws-api/*"]


class LoadBalancer(Construct):
    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        config: EnvironmentConfig,
        network: Network,
        security_groups: SecurityGroups,
        logs: Logs,
        certificate_arns: list[str],
    ) -> None:
        """The first certificate is the listener's default; the others are served by SNI."""
        super().__init__(scope, id_)
        self._prefix = config.prefix
        self.alb = Lb(
            self,
            "alb",
            name=config.prefix,
            load_balancer_type="application",
            internal=False,
            subnets=[subnet.id for subnet in network.public_subnets],
            security_groups=[security_groups.load_balancer.id],
            idle_timeout=IDLE_TIMEOUT_SECONDS,
            drop_invalid_header_fields=True,
            desync_mitigation_mode="strictest",
            enable_deletion_protection=True,
            access_logs=LbAccessLogs(
                bucket=logs.access_log_bucket.id, prefix=LOAD_BALANCER_LOG_PREFIX, enabled=True
            ),
        )
        self.api_target_group = self._target_group("api", API_PORT, network)
        self.websocket_target_group = self._target_group("websocket", WEBSOCKET_PORT, network)
        self.listener = LbListener(
            self,
            "https",
            load_balancer_arn=self.alb.arn,
            port=HTTPS_PORT,
            protocol="HTTPS",
            ssl_policy=TLS_POLICY,
            certificate_arn=certificate_arns[0],
            default_action=[
                LbListenerDefaultAction(
                    type="fixed-response",
                    fixed_response=LbListenerDefaultActionFixedResponse(
                        content_type="application/json",
                        status_code="404",
                        message_body='{"code":-1000,"msg":"Unknown path."}',
                    ),
                )
            ],
        )
        for index, certificate_arn in enumerate(certificate_arns[1:]):
            LbListenerCertificate(
                self,
                f"certificate-{index}",
                listener_arn=self.listener.arn,
                certificate_arn=certificate_arn,
            )
        LbListenerRule(
            self,
            "websocket-route",
            listener_arn=self.listener.arn,
            priority=10,
            condition=[
                LbListenerRuleCondition(
                    path_pattern=LbListenerRuleConditionPathPattern(values=WEBSOCKET_PATHS)
                )
            ],
            action=[
                LbListenerRuleAction(
                    type="forward", target_group_arn=self.websocket_target_group.arn
                )
            ],
        )
        # API Gateway's HTTP API carries no WebSockets: clients reach the WebSocket API here,
        # where WAF's per-address limit and the service's request weight hold them back. It
        # serves the Binance API alone, which the service authenticates by API key.
        LbListenerRule(
            self,
            "websocket-api-route",
            listener_arn=self.listener.arn,
            priority=15,
            condition=[
                LbListenerRuleCondition(
                    path_pattern=LbListenerRuleConditionPathPattern(values=WEBSOCKET_API_PATHS)
                )
            ],
            action=[
                LbListenerRuleAction(type="forward", target_group_arn=self.api_target_group.arn)
            ],
        )
        # REST calls must pass API Gateway's throttling and authorizer, so the load balancer
        # forwards them, and the page on the same name, only from the VPC link's addresses in
        # the private subnets. A rule holds at most five values: one rule each.
        for name, priority, paths in [
            ("api-route", 20, REST_PATHS),
            ("page-route", 30, PAGE_PATHS),
        ]:
            LbListenerRule(
                self,
                name,
                listener_arn=self.listener.arn,
                priority=priority,
                condition=[
                    LbListenerRuleCondition(
                        path_pattern=LbListenerRuleConditionPathPattern(values=paths)
                    ),
                    LbListenerRuleCondition(
                        source_ip=LbListenerRuleConditionSourceIp(values=network.private_cidrs)
                    ),
                ],
                action=[
                    LbListenerRuleAction(type="forward", target_group_arn=self.api_target_group.arn)
                ],
            )

    def _target_group(self, name: str, port: int, network: Network) -> LbTargetGroup:
        return LbTargetGroup(
            self,
            f"{name}-targets",
            name=f"{self._prefix}-{name}",
            port=port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=network.vpc.id,
            deregistration_delay="30",
            health_check=LbTargetGroupHealthCheck(
                enabled=True,
                path=READINESS_PATH,
                matcher="200",
                interval=10,
                timeout=5,
                healthy_threshold=2,
                unhealthy_threshold=3,
            ),
        )
