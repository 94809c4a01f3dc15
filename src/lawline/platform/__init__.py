"""What lawline reads from and does to the platform: the protocol and its implementations."""

from lawline.platform.protocol import (
    Account,
    AccountRef,
    Channel,
    IpEvent,
    Platform,
    Post,
    SubscriberRecord,
)

__all__ = ["Account", "AccountRef", "Channel", "IpEvent", "Platform", "Post", "SubscriberRecord"]
