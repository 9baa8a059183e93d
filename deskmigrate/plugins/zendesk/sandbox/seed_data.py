"""Deterministic raw material for the sandbox seed: real attachment files (PNG, PDF, text,
CSV) and pools of subjects and HTML paragraphs with accents, emoji and CJK text."""

from __future__ import annotations

import math
import random
import struct
import zlib
from dataclasses import dataclass

from faker import Faker

UNICODE_LINES = (
    "Merci beaucoup pour votre réponse rapide — très apprécié ! 🙏",
    "Könnten Sie bitte die Rechnung für März prüfen? Grüße aus Köln 🇩🇪",
    "ご対応ありがとうございます。明日もう一度確認します。",
    "我们的订单还没有发货，请帮忙查一下 📦",
    "¿Pueden reenviar la factura con el número de pedido correcto? 😅",
    "The app crashes on launch since the last update 😡 — iOS 17.4",
    "Ça marche maintenant ✅ vous pouvez fermer le ticket.",
    "Спасибо! Всё работает как надо 👍",
)


@dataclass(frozen=True)
class SeedFile:
    """One attachment file of the pool: its bytes are stored once and referenced."""

    file_name: str
    content_type: str
    data: bytes


def png(rng: random.Random, width: int, height: int) -> bytes:
    """A valid RGB PNG of random pixels (does not compress: size ~ width*height*3)."""
    raw = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return (struct.pack(">I", len(payload)) + kind + payload
                + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))


def pdf(text_lines: list[str]) -> bytes:
    """A small valid one-page PDF showing ``text_lines`` (ASCII)."""
    content = "BT /F1 11 Tf 50 780 Td 14 TL " + " ".join(
        f"({line.encode('ascii', 'replace').decode()}) '" for line in text_lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    return out


def file_pool(rng: random.Random, fake: Faker) -> list[SeedFile]:
    """Ten files from ~1 KB to ~300 KB of four types."""
    def day() -> str:
        return f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"

    log = "\n".join(f"{day()}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z "
                    f"[{rng.choice(['INFO', 'WARN', 'ERROR'])}] "
                    f"{fake.sentence()} {rng.choice(UNICODE_LINES)}" for _ in range(400))
    rows = ["order_id,customer,amount,currency,date"] + [
        f"{100000 + i},{fake.last_name()},{rng.randint(5, 5000)}.{rng.randint(0, 99):02d},"
        f"EUR,{day()}" for i in range(2500)]
    return [
        SeedFile("screenshot.png", "image/png", png(rng, 16, 16)),
        SeedFile("error-dialog.png", "image/png", png(rng, 120, 100)),
        SeedFile("photo-of-damage.png", "image/png", png(rng, 320, 310)),
        SeedFile("invoice.pdf", "application/pdf", pdf([fake.sentence() for _ in range(40)])),
        SeedFile("contract.pdf", "application/pdf",
                 pdf([fake.sentence() for _ in range(50)]) + b"%" * 90_000 + b"\n"),
        SeedFile("notes.txt", "text/plain", log[:1100].encode()),
        SeedFile("server.log", "text/plain", log.encode()),
        SeedFile("orders-small.csv", "text/csv", "\n".join(rows[:120]).encode()),
        SeedFile("orders-export.csv", "text/csv", "\n".join(rows).encode()),
        SeedFile("diagram.png", "image/png", png(rng, 60, 40)),
    ]


@dataclass(frozen=True)
class TextPool:
    subjects: list[str]
    paragraphs: list[str]


def text_pool(rng: random.Random, fake: Faker, size: int = 300) -> TextPool:
    """Subjects and HTML-safe paragraphs, a sixth of them with non-ASCII text."""
    subjects = [fake.sentence(nb_words=rng.randint(3, 8)).rstrip(".") for _ in range(size)]
    subjects += [line[:60] for line in UNICODE_LINES]
    paragraphs = [fake.paragraph(nb_sentences=rng.randint(1, 4)) for _ in range(size)]
    paragraphs += list(UNICODE_LINES) * (size // (5 * len(UNICODE_LINES)) + 1)
    return TextPool(subjects, paragraphs)


def wav(rng: random.Random, seconds: float = 1.0, rate: int = 8000) -> bytes:
    """A valid mono 16-bit PCM WAV: a short two-tone call beep (a call recording)."""
    low, high = rng.choice((330, 440, 523)), rng.choice((660, 880))
    frames = bytearray()
    for n in range(int(seconds * rate)):
        tone = low if (n * 4 // rate) % 2 == 0 else high
        frames += struct.pack("<h", int(9000 * math.sin(2 * math.pi * tone * n / rate)))
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(frames), b"WAVE", b"fmt ",
                         16, 1, 1, rate, rate * 2, 2, 16, b"data", len(frames))
    return header + bytes(frames)
