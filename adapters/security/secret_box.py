"""Encryption of the secrets the exchange must read back, such as API key secrets: an HMAC
signature can only be checked with the secret in the clear, so it cannot be hashed."""

from cryptography.fernet import Fernet, InvalidToken


class SecretBox:
    """Authenticated symmetric encryption (Fernet: AES-128-CBC with HMAC-SHA256) under one key,
    a url-safe base64 string of 32 bytes as `SecretBox.new_key()` makes."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key)

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, secret: str) -> bytes:
        return self._fernet.encrypt(secret.encode())

    def decrypt(self, ciphertext: bytes) -> str:
        try:
            return self._fernet.decrypt(ciphertext).decode()
        except InvalidToken as error:
            raise ValueError("the secret was not encrypted under this key") from error
