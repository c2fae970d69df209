"""Tests of dlbook.data on small files the tests generate, served from a loopback HTTP server."""

from __future__ import annotations

import gzip
import hashlib
import http.server
import io
import socket
import struct
import tarfile
import threading
from pathlib import Path

import numpy as np
import pytest

from dlbook import data
from dlbook.data import (
    DataIntegrityError,
    Dataset,
    DatasetUnavailableError,
    RemoteFile,
    fetch,
    read_cifar10_binary,
    read_idx,
)


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode a uint8 array in the IDX format."""
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    return header + array.astype(np.uint8).tobytes()


def sha(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


class _Server:
    """A tiny HTTP server on 127.0.0.1 whose served files the test can change."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests = 0
        files = self.files
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server API)
                outer.requests += 1
                body = files.get(self.path.lstrip("/"))
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = _Server()
    yield srv
    srv.close()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path / "cache"))
    return tmp_path / "cache"


def make_dataset(
    url: str, blob: bytes, *, system_dir: Path | None = None, name: str = "toy"
) -> Dataset:
    return Dataset(
        name=name,
        files=(RemoteFile("toy-images-idx3-ubyte.gz", url + "toy.gz", sha(blob)),),
        system_dirs=(str(system_dir),) if system_dir else (),
        debian_package="dataset-toy",
    )


TOY = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
TOY_GZ = gzip.compress(idx_bytes(TOY), mtime=0)


def test_data_home_follows_environment(cache):
    assert data.data_home() == cache


def test_download_verifies_and_caches(server, cache):
    server.files["toy.gz"] = TOY_GZ
    spec = make_dataset(server.url, TOY_GZ)
    path = fetch(spec, "toy-images-idx3-ubyte.gz")
    assert path == cache / "toy" / "toy-images-idx3-ubyte.gz"
    np.testing.assert_array_equal(read_idx(path), TOY)
    # A second call uses the cache: no new request.
    before = server.requests
    assert fetch(spec, "toy-images-idx3-ubyte.gz") == path
    assert server.requests == before


def test_checksum_mismatch_leaves_nothing_and_retry_after_fix_works(server, cache):
    server.files["toy.gz"] = b"not the file we expect"
    spec = make_dataset(server.url, TOY_GZ)
    with pytest.raises(DataIntegrityError) as info:
        fetch(spec, "toy-images-idx3-ubyte.gz")
    message = str(info.value)
    assert "toy-images-idx3-ubyte.gz" in message and sha(TOY_GZ) in message
    leftovers = list((cache / "toy").glob("*")) if (cache / "toy").exists() else []
    assert leftovers == [], f"half-written files left in the cache: {leftovers}"
    server.files["toy.gz"] = TOY_GZ  # the server is fixed
    np.testing.assert_array_equal(read_idx(fetch(spec, "toy-images-idx3-ubyte.gz")), TOY)


def test_corrupted_cached_file_is_reported_with_fix(server, cache):
    spec = make_dataset(server.url, TOY_GZ)
    target = cache / "toy" / "toy-images-idx3-ubyte.gz"
    target.parent.mkdir(parents=True)
    target.write_bytes(TOY_GZ[:-10])  # truncated
    with pytest.raises(DataIntegrityError, match="Delete .*toy-images-idx3-ubyte.gz") as info:
        fetch(spec, "toy-images-idx3-ubyte.gz")
    assert sha(TOY_GZ) in str(info.value)
    target.unlink()  # the fix the message asks for
    server.files["toy.gz"] = TOY_GZ
    np.testing.assert_array_equal(read_idx(fetch(spec, "toy-images-idx3-ubyte.gz")), TOY)


def test_system_location_is_used_and_verified(tmp_path, cache):
    system = tmp_path / "usr-share"
    system.mkdir()
    (system / "toy-images-idx3-ubyte.gz").write_bytes(TOY_GZ)
    spec = make_dataset("http://127.0.0.1:9/", TOY_GZ, system_dir=system)
    assert fetch(spec, "toy-images-idx3-ubyte.gz") == system / "toy-images-idx3-ubyte.gz"
    (system / "toy-images-idx3-ubyte.gz").write_bytes(b"garbage")
    with pytest.raises(DataIntegrityError, match="apt-get install --reinstall dataset-toy"):
        fetch(spec, "toy-images-idx3-ubyte.gz")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_offline_without_local_copy_gives_clear_message(cache):
    url = f"http://127.0.0.1:{_closed_port()}/"
    spec = make_dataset(url, TOY_GZ)
    with pytest.raises(DatasetUnavailableError) as info:
        fetch(spec, "toy-images-idx3-ubyte.gz")
    message = str(info.value)
    for needle in ("DLBOOK_DATA", "apt-get install dataset-toy", url + "toy.gz", "offline"):
        assert needle in message
    assert not list((cache / "toy").glob("*"))


def test_download_false_never_touches_network(cache):
    spec = make_dataset("http://127.0.0.1:9/", TOY_GZ)
    with pytest.raises(DatasetUnavailableError, match="download=False"):
        fetch(spec, "toy-images-idx3-ubyte.gz", download=False)


def test_unknown_names_are_rejected():
    with pytest.raises(ValueError, match="dataset must be one of"):
        fetch("imagenet", "x")
    with pytest.raises(ValueError, match="file of dataset 'mnist'"):
        fetch("mnist", "nope.gz")
    with pytest.raises(ValueError, match="split must be one of"):
        data.load_fashion_mnist("validation")


def test_read_idx_raw_and_errors(tmp_path):
    raw = tmp_path / "a.idx"
    raw.write_bytes(idx_bytes(TOY))
    np.testing.assert_array_equal(read_idx(raw), TOY)
    raw.write_bytes(idx_bytes(TOY)[:-3])
    with pytest.raises(DataIntegrityError, match="truncated"):
        read_idx(raw)
    raw.write_bytes(b"\x01\x02\x03\x04rest")
    with pytest.raises(DataIntegrityError, match="not an IDX file"):
        read_idx(raw)
    gz = tmp_path / "a.gz"
    gz.write_bytes(TOY_GZ[: len(TOY_GZ) // 2])
    with pytest.raises(DataIntegrityError, match="a.gz"):
        read_idx(gz)


def test_read_idx_big_endian_int32(tmp_path):
    values = np.array([[1, -2], [300000, 4]], dtype=">i4")
    blob = struct.pack(">BBBBII", 0, 0, 0x0C, 2, 2, 2) + values.tobytes()
    path = tmp_path / "b.idx"
    path.write_bytes(blob)
    out = read_idx(path)
    assert out.dtype == np.int32 and out.dtype.isnative
    np.testing.assert_array_equal(out, values.astype(np.int32))


def _cifar_archive(
    path: Path, n_per_batch: int = 3, drop: str | None = None, bad: str | None = None
) -> tuple:
    rng = np.random.default_rng(0)
    images, labels = {}, {}
    with tarfile.open(path, "w:gz") as archive:
        for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
            planes = rng.integers(
                0, 256, size=(n_per_batch, 3, 32, 32), dtype=np.uint8
            )  # (N, C, H, W)
            y = rng.integers(0, 10, size=n_per_batch, dtype=np.uint8)
            blob = np.concatenate([y[:, None], planes.reshape(n_per_batch, -1)], axis=1).tobytes()
            if name == bad:
                blob = blob[:-5]
            images[name], labels[name] = planes.transpose(0, 2, 3, 1), y
            if name == drop:
                continue
            info = tarfile.TarInfo(f"cifar-10-batches-bin/{name}")
            info.size = len(blob)
            archive.addfile(info, io.BytesIO(blob))
    return images, labels


def test_cifar10_binary_layout(tmp_path):
    path = tmp_path / "cifar-10-binary.tar.gz"
    images, labels = _cifar_archive(path)
    x, y = read_cifar10_binary(path, "test")
    assert x.shape == (3, 32, 32, 3) and x.dtype == np.uint8 and y.dtype == np.int64
    np.testing.assert_array_equal(x, images["test_batch.bin"])
    np.testing.assert_array_equal(y, labels["test_batch.bin"])
    x, y = read_cifar10_binary(path, "train")
    assert x.shape == (15, 32, 32, 3)
    np.testing.assert_array_equal(x[3:6], images["data_batch_2.bin"])
    # The red plane of the first image is the first 1,024 bytes after the label.
    np.testing.assert_array_equal(x[0, :, :, 0], images["data_batch_1.bin"][0, :, :, 0])


def test_cifar10_bad_archives(tmp_path):
    missing = tmp_path / "missing.tar.gz"
    _cifar_archive(missing, drop="data_batch_3.bin")
    with pytest.raises(DataIntegrityError, match="data_batch_3.bin"):
        read_cifar10_binary(missing, "train")
    short = tmp_path / "short.tar.gz"
    _cifar_archive(short, bad="test_batch.bin")
    with pytest.raises(DataIntegrityError, match="not a multiple of 3073"):
        read_cifar10_binary(short, "test")
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"junk")
    with pytest.raises(DataIntegrityError, match="junk.tar.gz"):
        read_cifar10_binary(junk, "test")


def test_registry_is_consistent():
    for spec in data.DATASETS.values():
        for entry in spec.files:
            for digest in entry.accepted:
                assert len(digest) == 64 and int(digest, 16) >= 0
            assert entry.url.endswith(entry.name)
    # The checksum of Debian's copy quoted in the course syllabus.
    assert "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7" in (
        data.DATASETS["fashion_mnist"].file("train-images-idx3-ubyte.gz").accepted
    )


@pytest.mark.skipif(
    not Path("/usr/share/datasets/fashion-mnist").exists(),
    reason="Debian's dataset-fashion-mnist is not installed",
)
def test_fashion_mnist_from_debian_package(tmp_path, monkeypatch):
    monkeypatch.setenv("DLBOOK_DATA", str(tmp_path))
    x, y = data.load_fashion_mnist("test", download=False)
    assert x.shape == (10000, 28, 28) and x.dtype == np.uint8
    assert y.shape == (10000,) and y.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y), np.full(10, 1000))
    assert x.max() == 255 and x.min() == 0


def test_offline_wrappers():
    pytest.importorskip("plotnine")
    diamonds = data.load_diamonds()
    assert diamonds.shape == (53940, 10) and "price" in diamonds
    diamonds.loc[0, "price"] = -1  # a copy: the library's table is untouched
    assert data.load_diamonds().loc[0, "price"] > 0

    co2 = data.load_co2()
    assert co2.name == "co2" and co2.index.freqstr == "MS"
    assert not co2.isna().any() and 310 < co2.iloc[0] < 320 and co2.iloc[-1] > 360
    assert co2.index.is_monotonic_increasing and len(co2) > 500

    cat = data.load_photo("chelsea")
    assert (
        cat.shape == (300, 451, 3) and cat.dtype == np.float64 and 0 <= cat.min() and cat.max() <= 1
    )
    gray = data.load_photo("chelsea", gray=True)
    assert gray.shape == (300, 451)
    assert data.load_photo("camera").shape == (512, 512)
    with pytest.raises(ValueError, match="name must be one of"):
        data.load_photo("dog")


# ---------------------------------------------------------------------------------------------
# Adversarial findings 3 and 4: every failure is a documented DataError with a sentence that
# says what to do, and nothing is left behind.
# ---------------------------------------------------------------------------------------------


def test_read_idx_with_a_corrupt_deflate_body_is_a_data_integrity_error(tmp_path):
    """A valid gzip header followed by garbage makes zlib raise; read_idx reports it as documented."""
    good = gzip.compress(idx_bytes(TOY), mtime=0)
    corrupt = good[:10] + bytes(b ^ 0xFF for b in good[10:-8]) + good[-8:]
    path = tmp_path / "corrupt-idx1-ubyte.gz"
    path.write_bytes(corrupt)
    with pytest.raises(DataIntegrityError, match="cannot be read as gzip"):
        read_idx(path)
    archive = tmp_path / "cifar-10-binary.tar.gz"
    archive.write_bytes(corrupt)
    with pytest.raises(DataIntegrityError, match="not a readable CIFAR-10 binary archive"):
        read_cifar10_binary(archive, "test")


def test_cache_that_is_a_file_is_reported(tmp_path, monkeypatch):
    not_a_directory = tmp_path / "a-file"
    not_a_directory.write_text("")
    monkeypatch.setenv("DLBOOK_DATA", str(not_a_directory))
    spec = make_dataset("http://127.0.0.1:9/", TOY_GZ)
    with pytest.raises(DatasetUnavailableError, match="is a file, not a directory.*DLBOOK_DATA"):
        fetch(spec, "toy-images-idx3-ubyte.gz")


def test_directory_where_the_cached_file_should_be_is_reported(server, cache):
    (cache / "toy" / "toy-images-idx3-ubyte.gz").mkdir(parents=True)
    spec = make_dataset(server.url, TOY_GZ)
    with pytest.raises(DataIntegrityError, match="is a directory where the file .* should be"):
        fetch(spec, "toy-images-idx3-ubyte.gz")


def test_unwritable_cache_is_reported_without_blaming_the_network(server, cache, monkeypatch):
    import pooch

    server.files["toy.gz"] = TOY_GZ
    spec = make_dataset(server.url, TOY_GZ)

    def no_mkdir(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    with monkeypatch.context() as patch:  # the cache directory cannot be created
        patch.setattr(Path, "mkdir", no_mkdir)
        with pytest.raises(DatasetUnavailableError, match="not writable.*DLBOOK_DATA") as info:
            fetch(spec, "toy-images-idx3-ubyte.gz")
    assert "offline" not in str(info.value)

    def no_write(*args, **kwargs):  # the directory exists but its files cannot be written
        raise PermissionError(13, "Permission denied", str(cache / "toy" / "tmpfile"))

    monkeypatch.setattr(pooch, "retrieve", no_write)
    with pytest.raises(DatasetUnavailableError, match="not writable.*DLBOOK_DATA") as info:
        fetch(spec, "toy-images-idx3-ubyte.gz")
    assert "offline" not in str(info.value)
    assert not cache.exists(), "the failed download left directories behind"


def test_failed_offline_download_leaves_no_directories(cache):
    spec = make_dataset(f"http://127.0.0.1:{_closed_port()}/", TOY_GZ)
    with pytest.raises(DatasetUnavailableError, match="offline"):
        fetch(spec, "toy-images-idx3-ubyte.gz")
    assert not cache.exists(), "the failed download left empty directories behind"
