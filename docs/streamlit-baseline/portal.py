"""Minimal stand-in for the old CenterMind Streamlit portal (Fase 3 "visor").

Only used to measure what a packaged Python/Streamlit portal costs in size,
start time and memory (see ../streamlit-baseline.md). It is not part of the
product. It does what the old 01visor.py page did, in miniature:

* a login form checked against a `usuarios_portal` table (salted SHA-256),
* a page that reads pending rows of a small SQLite `exhibiciones` table,
  shows one photo and three buttons Aprobar / Rechazar / Destacar with an
  optional comment, and writes the verdict back.

The SQLite file and the photo are created on first start in the folder named
by CM_BASELINE_DATA (default: a `streamlit-baseline-data` folder in the system
temp directory), never next to this script.
"""

import hashlib
import os
import sqlite3
import tempfile
from datetime import datetime, timezone

import streamlit as st
from PIL import Image, ImageDraw

DATA_DIR = os.environ.get(
    "CM_BASELINE_DATA",
    os.path.join(tempfile.gettempdir(), "streamlit-baseline-data"),
)
DB_PATH = os.path.join(DATA_DIR, "centermind.db")
PHOTO_PATH = os.path.join(DATA_DIR, "exhibicion_1.jpg")
SALT = "baseline"


def _hash(password: str) -> str:
    return hashlib.sha256((SALT + password).encode()).hexdigest()


def ensure_data() -> None:
    os.makedirs(DATA_DIR, exist_ok=True)
    if not os.path.exists(PHOTO_PATH):
        img = Image.new("RGB", (1280, 960), (200, 210, 220))
        draw = ImageDraw.Draw(img)
        for i in range(0, 1280, 80):
            draw.rectangle([i, 300, i + 60, 900], fill=(30 + i % 200, 90, 160))
        draw.text((40, 40), "Exhibicion de prueba", fill=(0, 0, 0))
        img.save(PHOTO_PATH, quality=85)
    con = sqlite3.connect(DB_PATH)
    with con:
        con.execute(
            "CREATE TABLE IF NOT EXISTS usuarios_portal ("
            " id INTEGER PRIMARY KEY, usuario TEXT UNIQUE, password_hash TEXT,"
            " rol TEXT)"
        )
        con.execute(
            "CREATE TABLE IF NOT EXISTS exhibiciones ("
            " id INTEGER PRIMARY KEY, distribuidor TEXT, vendedor TEXT,"
            " cliente TEXT, tipo_pdv TEXT, foto TEXT, fecha TEXT,"
            " estado TEXT DEFAULT 'Pendiente', supervisor_nombre TEXT,"
            " comentarios TEXT, evaluado_en TEXT)"
        )
        con.execute(
            "INSERT OR IGNORE INTO usuarios_portal (usuario, password_hash, rol)"
            " VALUES (?, ?, 'supervisor')",
            ("supervisor", _hash("supervisor")),
        )
        (n,) = con.execute("SELECT COUNT(*) FROM exhibiciones").fetchone()
        if n == 0:
            con.executemany(
                "INSERT INTO exhibiciones (distribuidor, vendedor, cliente,"
                " tipo_pdv, foto, fecha) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    ("Distribuidora Norte", f"Vendedor {i % 5}",
                     f"Cliente {1000 + i}", ("Autoservicio", "Kiosco")[i % 2],
                     PHOTO_PATH, f"2026-11-{1 + i % 28:02d} 10:00")
                    for i in range(50)
                ],
            )
    con.close()


def db() -> sqlite3.Connection:
    con = sqlite3.connect(DB_PATH)
    con.row_factory = sqlite3.Row
    return con


def login_page() -> None:
    st.title("CenterMind - Portal de Exhibiciones")
    with st.form("login"):
        usuario = st.text_input("Usuario")
        password = st.text_input("Contraseña", type="password")
        if st.form_submit_button("Ingresar"):
            con = db()
            row = con.execute(
                "SELECT usuario, rol FROM usuarios_portal"
                " WHERE usuario = ? AND password_hash = ?",
                (usuario, _hash(password)),
            ).fetchone()
            con.close()
            if row:
                st.session_state["user"] = row["usuario"]
                st.rerun()
            else:
                st.error("Usuario o contraseña incorrectos")


def visor_page() -> None:
    st.sidebar.write(f"Supervisor: **{st.session_state['user']}**")
    if st.sidebar.button("Salir"):
        del st.session_state["user"]
        st.rerun()
    st.title("Visor de exhibiciones")
    con = db()
    (pending,) = con.execute(
        "SELECT COUNT(*) FROM exhibiciones WHERE estado = 'Pendiente'"
    ).fetchone()
    row = con.execute(
        "SELECT * FROM exhibiciones WHERE estado = 'Pendiente'"
        " ORDER BY fecha, id LIMIT 1"
    ).fetchone()
    st.caption(f"{pending} pendientes")
    if row is None:
        st.success("No hay exhibiciones pendientes")
        con.close()
        return
    st.subheader(f"{row['cliente']} - {row['tipo_pdv']}")
    st.write(f"{row['distribuidor']} / {row['vendedor']} / {row['fecha']}")
    st.image(row["foto"], width="stretch")
    comentario = st.text_input("Comentario (opcional)", key=f"c{row['id']}")
    cols = st.columns(3)
    verdict = None
    if cols[0].button("Aprobar", key="aprobar"):
        verdict = "Aprobado"
    if cols[1].button("Rechazar", key="rechazar"):
        verdict = "Rechazado"
    if cols[2].button("Destacar", key="destacar"):
        verdict = "Destacado"
    if verdict:
        with con:
            con.execute(
                "UPDATE exhibiciones SET estado = ?, supervisor_nombre = ?,"
                " comentarios = ?, evaluado_en = ? WHERE id = ?",
                (verdict, st.session_state["user"], comentario or None,
                 datetime.now(timezone.utc).isoformat(), row["id"]),
            )
        con.close()
        st.rerun()
    con.close()


st.set_page_config(page_title="CenterMind Portal", layout="centered")
ensure_data()
if "user" in st.session_state:
    visor_page()
else:
    login_page()
