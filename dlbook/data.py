"""Datasets for the course, found offline first.

A file is looked for in three places, in order:

1. the cache directory, ``$DLBOOK_DATA`` (default ``~/.cache/dlbook``), under the dataset's name;
2. known system locations, such as ``/usr/share/datasets/fashion-mnist`` from Debian's
   ``dataset-fashion-mnist`` package;
3. the internet: a download through :mod:`pooch` with a sha256 check and an atomic write
   (the file appears in the cache only once it is complete and verified).

Every local copy is verified against its known sha256 before it is read. Loaders return NumPy
arrays; nothing downloaded is ever unpickled (CIFAR-10 is read from its binary version).

Example:
    >>> sorted(DATASETS)
    ['cifar10', 'fashion_mnist', 'mnist']
    >>> DATASETS["fashion_mnist"].debian_package
    'dataset-fashion-mnist'
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dlbook.validation import check_choice

__all__ = [
    "RemoteFile",
    "Dataset",
    "DATASETS",
    "DataError",
    "DataIntegrityError",
    "DatasetUnavailableError",
    "FASHION_MNIST_CLASSES",
    "CIFAR10_CLASSES",
    "data_home",
    "sha256sum",
    "fetch",
    "read_idx",
    "load_fashion_mnist",
    "load_mnist",
    "read_cifar10_binary",
    "load_cifar10",
    "load_diamonds",
    "load_co2",
    "load_photo",
]

FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)


class DataError(Exception):
    """Base class of the errors raised while finding or reading a dataset."""


class DataIntegrityError(DataError, ValueError):
    """A file exists but is corrupted, truncated or not the expected file."""


class DatasetUnavailableError(DataError, OSError):
    """No verified local copy exists and the download failed (often: no network)."""


@dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset: where to download it and the sha256 of known-good copies.

    Attributes:
        name: the file name, as stored in the cache and in system locations.
        url: the download address.
        sha256: the checksum of the file served at ``url``.
        also_accept: checksums of other known-good copies of the same data (for example
            Debian re-compresses the Fashion-MNIST files, so its bytes differ).
    """

    name: str
    url: str
    sha256: str
    also_accept: tuple[str, ...] = ()

    @property
    def accepted(self) -> tuple[str, ...]:
        """Every checksum a local copy may have."""
        return (self.sha256, *self.also_accept)


@dataclass(frozen=True)
class Dataset:
    """A dataset in the registry: its files, where systems install it, and how to get it.

    Attributes:
        name: the registry key and the cache sub-directory.
        files: the files that make up the dataset.
        system_dirs: directories where an operating-system package installs the files.
        debian_package: the Debian package that provides the files, if any.
        description: one line for readers.
    """

    name: str
    files: tuple[RemoteFile, ...]
    system_dirs: tuple[str, ...] = ()
    debian_package: str | None = None
    description: str = ""
    _by_name: dict[str, RemoteFile] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({f.name: f for f in self.files})

    def file(self, name: str) -> RemoteFile:
        """Return the registry entry for one of the dataset's files."""
        check_choice(name, f"file of dataset {self.name!r}", tuple(self._by_name))
        return self._by_name[name]


_FASHION_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
_MNIST_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"

DATASETS: dict[str, Dataset] = {
    "fashion_mnist": Dataset(
        name="fashion_mnist",
        files=(
            RemoteFile(
                "train-images-idx3-ubyte.gz",
                _FASHION_URL + "train-images-idx3-ubyte.gz",
                "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
                ("b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",),
            ),
            RemoteFile(
                "train-labels-idx1-ubyte.gz",
                _FASHION_URL + "train-labels-idx1-ubyte.gz",
                "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
                ("0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",),
            ),
            RemoteFile(
                "t10k-images-idx3-ubyte.gz",
                _FASHION_URL + "t10k-images-idx3-ubyte.gz",
                "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
                ("cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",),
            ),
            RemoteFile(
                "t10k-labels-idx1-ubyte.gz",
                _FASHION_URL + "t10k-labels-idx1-ubyte.gz",
                "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
                ("8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",),
            ),
        ),
        system_dirs=("/usr/share/datasets/fashion-mnist",),
        debian_package="dataset-fashion-mnist",
        description="Zalando's 70,000 28x28 grayscale images of clothing in 10 classes",
    ),
    "mnist": Dataset(
        name="mnist",
        files=(
            RemoteFile(
                "train-images-idx3-ubyte.gz",
                _MNIST_URL + "train-images-idx3-ubyte.gz",
                "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            ),
            RemoteFile(
                "train-labels-idx1-ubyte.gz",
                _MNIST_URL + "train-labels-idx1-ubyte.gz",
                "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
            ),
            RemoteFile(
                "t10k-images-idx3-ubyte.gz",
                _MNIST_URL + "t10k-images-idx3-ubyte.gz",
                "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            ),
            RemoteFile(
                "t10k-labels-idx1-ubyte.gz",
                _MNIST_URL + "t10k-labels-idx1-ubyte.gz",
                "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
            ),
        ),
        system_dirs=("/usr/share/datasets/mnist",),
        description="LeCun, Cortes and Burges' 70,000 28x28 grayscale handwritten digits",
    ),
    "cifar10": Dataset(
        name="cifar10",
        files=(
            RemoteFile(
                "cifar-10-binary.tar.gz",
                "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
                "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
            ),
        ),
        description="Krizhevsky's 60,000 32x32 colour images in 10 classes (binary version)",
    ),
}


def data_home() -> Path:
    """Return the cache directory: ``$DLBOOK_DATA``, else ``$XDG_CACHE_HOME/dlbook`` or ``~/.cache/dlbook``.

    Example:
        >>> isinstance(data_home(), Path)
        True
    """
    env = os.environ.get("DLBOOK_DATA")
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "dlbook"


def sha256sum(path: str | os.PathLike[str]) -> str:
    """Return the hex sha256 digest of a file, read in 1 MiB blocks.

    Example:
        >>> import tempfile
        >>> with tempfile.NamedTemporaryFile(delete=False) as f:
        ...     _ = f.write(b"abc")
        >>> sha256sum(f.name)[:16]
        'ba7816bf8f01cfea'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verify(path: Path, entry: RemoteFile, how_to_fix: str) -> Path:
    actual = sha256sum(path)
    if actual not in entry.accepted:
        raise DataIntegrityError(
            f"{path} is corrupted or not the expected file: its sha256 is {actual}, "
            f"expected {entry.sha256}"
            + (f" (or {', '.join(entry.also_accept)})" if entry.also_accept else "")
            + f". {how_to_fix}"
        )
    return path


def _resolve(dataset: str | Dataset) -> Dataset:
    if isinstance(dataset, Dataset):
        return dataset
    check_choice(dataset, "dataset", tuple(DATASETS))
    return DATASETS[dataset]


def fetch(dataset: str | Dataset, filename: str, *, download: bool = True) -> Path:
    """Return the path of a verified local copy of one dataset file, downloading it if needed.

    Args:
        dataset: a key of :data:`DATASETS` or a :class:`Dataset`.
        filename: one of the dataset's file names.
        download: allow a download when no local copy exists.

    Returns:
        The path of a file whose sha256 is one of the known-good checksums.

    Raises:
        DataIntegrityError: a local copy or the download has the wrong checksum, or a
            directory stands where the cached file should be.
        DatasetUnavailableError: no local copy and the download failed or is disabled, or the
            cache (``DLBOOK_DATA``) is not a writable directory. A failed download leaves no
            file and no new directory behind.

    Example:
        >>> path = fetch("fashion_mnist", "t10k-labels-idx1-ubyte.gz")  # doctest: +SKIP
    """
    spec = _resolve(dataset)
    entry = spec.file(filename)
    cache_dir = data_home() / spec.name
    _check_is_directory_path(cache_dir)
    cached = cache_dir / entry.name
    if cached.is_dir():
        raise DataIntegrityError(
            f"{cached} is a directory where the file {entry.name} should be. Remove it and call "
            "the loader again."
        )
    if cached.exists():
        return _verify(
            cached, entry, f"Delete {cached} and call the loader again to download a fresh copy."
        )
    for system_dir in spec.system_dirs:
        candidate = Path(system_dir) / entry.name
        if candidate.exists():
            fix = (
                f"Reinstall it (apt-get install --reinstall {spec.debian_package})"
                if spec.debian_package
                else "Remove it"
            )
            return _verify(candidate, entry, f"{fix}, or put a good copy in {cache_dir}.")
    where = _where_to_get(spec, entry)
    if not download:
        raise DatasetUnavailableError(
            f"No local copy of {spec.name}/{entry.name} and download=False. {where}"
        )
    return _download(spec, entry, cache_dir, where)


def _where_to_get(spec: Dataset, entry: RemoteFile) -> str:
    places = [
        f"put {entry.name} in {data_home() / spec.name} (set DLBOOK_DATA to choose another cache directory)"
    ]
    if spec.debian_package:
        places.append(f"install Debian's package: apt-get install {spec.debian_package}")
    places.append(f"or download it from {entry.url} (sha256 {entry.sha256})")
    return "To work offline: " + "; ".join(places) + "."


def _check_is_directory_path(path: Path) -> None:
    """Raise DatasetUnavailableError when ``path`` or a parent exists but is not a directory."""
    for place in (path, *path.parents):
        if place.exists():
            if not place.is_dir():
                raise DatasetUnavailableError(
                    f"The dlbook cache {path} cannot be used: {place} is a file, not a directory. "
                    "Set DLBOOK_DATA to a directory (or remove the file)."
                )
            return


def _unwritable(cache_dir: Path, exc: OSError) -> DatasetUnavailableError:
    return DatasetUnavailableError(
        f"The dlbook cache {cache_dir} is not writable ({type(exc).__name__}: {exc}). "
        "Set DLBOOK_DATA to a directory you can write to, or put the file there yourself."
    )


def _make_directories(path: Path) -> list[Path]:
    """Create ``path`` and its missing parents; return the ones created, deepest first."""
    missing = [place for place in (path, *path.parents) if not place.exists()]
    path.mkdir(parents=True, exist_ok=True)
    return missing


def _remove_empty(directories: list[Path]) -> None:
    """Remove the directories a failed download created, if they are still empty (deepest first)."""
    for directory in directories:
        try:
            directory.rmdir()
        except OSError:  # not empty, or already gone: leave it
            return


def _download(spec: Dataset, entry: RemoteFile, cache_dir: Path, where: str) -> Path:
    import pooch
    import requests

    try:
        created = _make_directories(cache_dir)
    except OSError as exc:
        raise _unwritable(cache_dir, exc) from exc
    try:
        # pooch writes to a temporary file in cache_dir, checks the hash, then renames it.
        path = pooch.retrieve(
            entry.url,
            known_hash=f"sha256:{entry.sha256}",
            fname=entry.name,
            path=cache_dir,
            progressbar=False,
        )
    except ValueError as exc:  # pooch's hash mismatch
        _remove_empty(created)
        raise DataIntegrityError(
            f"The download of {entry.name} from {entry.url} has the wrong sha256 (expected {entry.sha256}); "
            f"nothing was written to {cache_dir}. The server may be serving another file. {where}"
        ) from exc
    except PermissionError as exc:  # the cache is there but cannot be written
        _remove_empty(created)
        raise _unwritable(cache_dir, exc) from exc
    except (requests.exceptions.RequestException, OSError) as exc:
        _remove_empty(created)
        raise DatasetUnavailableError(
            f"Could not download {entry.name} for {spec.name} from {entry.url} "
            f"({type(exc).__name__}); are you offline? {where}"
        ) from exc
    return Path(path)


_IDX_DTYPES = {
    0x08: np.uint8,
    0x09: np.int8,
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an IDX file (the MNIST format), gzip-compressed or not, into a NumPy array.

    The header is two zero bytes, a type code, the number of dimensions and one big-endian
    32-bit size per dimension; the data follow in C order.

    Args:
        path: the ``.gz`` or raw IDX file.

    Returns:
        An array of the stored type and shape, in native byte order.

    Raises:
        DataIntegrityError: the file is truncated, too long, or not an IDX file.

    Example:
        >>> import tempfile, struct
        >>> raw = struct.pack(">BBBBI", 0, 0, 0x08, 1, 3) + bytes([7, 8, 9])
        >>> with tempfile.NamedTemporaryFile(suffix=".idx", delete=False) as f:
        ...     _ = f.write(raw)
        >>> read_idx(f.name)
        array([7, 8, 9], dtype=uint8)
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            raw = fh.read()
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error) as exc:  # zlib: a corrupt deflate body
        raise DataIntegrityError(
            f"{path} cannot be read as {'gzip' if opener is gzip.open else 'IDX'}: {exc}. "
            "It may be truncated: delete it and fetch it again."
        ) from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise DataIntegrityError(f"{path} is not an IDX file (bad magic number {raw[:4]!r})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataIntegrityError(f"{path} is truncated inside its header")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(raw) - header != expected:
        raise DataIntegrityError(
            f"{path} has {len(raw) - header} data bytes but its header promises shape {shape} "
            f"({expected} bytes): the file is truncated or corrupted; delete it and fetch it again."
        )
    return (
        np.frombuffer(raw, dtype=dtype, offset=header)
        .reshape(shape)
        .astype(dtype.newbyteorder("="))
    )


def _load_idx_pair(dataset: str, split: str, download: bool) -> tuple[np.ndarray, np.ndarray]:
    check_choice(split, "split", ("train", "test"))
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(fetch(dataset, f"{prefix}-images-idx3-ubyte.gz", download=download))
    labels = read_idx(fetch(dataset, f"{prefix}-labels-idx1-ubyte.gz", download=download))
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DataIntegrityError(
            f"{dataset} {split}: images of shape {images.shape} do not match labels of shape {labels.shape}"
        )
    return images, labels.astype(np.int64)


def load_fashion_mnist(
    split: str = "train", *, download: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Load Fashion-MNIST (offline from Debian's package or the cache when possible).

    Args:
        split: ``"train"`` (60,000 images) or ``"test"`` (10,000 images).
        download: allow a download when no local copy exists.

    Returns:
        ``(images, labels)``: images are ``uint8`` in [0, 255]; labels are ``int64`` in 0..9,
        indices into :data:`FASHION_MNIST_CLASSES`.

    Shape:
        images (N, 28, 28), labels (N,).

    Example:
        >>> x, y = load_fashion_mnist("test")  # doctest: +SKIP
        >>> x.shape, x.dtype, y.shape  # doctest: +SKIP
        ((10000, 28, 28), dtype('uint8'), (10000,))
    """
    return _load_idx_pair("fashion_mnist", split, download)


def load_mnist(split: str = "train", *, download: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Load MNIST handwritten digits.

    Args:
        split: ``"train"`` (60,000 images) or ``"test"`` (10,000 images).
        download: allow a download when no local copy exists.

    Returns:
        ``(images, labels)``: ``uint8`` images in [0, 255] and ``int64`` digit labels 0..9.

    Shape:
        images (N, 28, 28), labels (N,).

    Example:
        >>> x, y = load_mnist("test")  # doctest: +SKIP
    """
    return _load_idx_pair("mnist", split, download)


_CIFAR_RECORD = 1 + 3 * 32 * 32


def read_cifar10_binary(
    path: str | os.PathLike[str], split: str = "train"
) -> tuple[np.ndarray, np.ndarray]:
    """Read CIFAR-10's binary archive (``cifar-10-binary.tar.gz``) without extracting or unpickling.

    Each record is one label byte followed by 3,072 pixel bytes: the 1,024 red values,
    then green, then blue, each a 32x32 image in row-major order.

    Args:
        path: the ``.tar.gz`` archive.
        split: ``"train"`` (``data_batch_1..5.bin``) or ``"test"`` (``test_batch.bin``).

    Returns:
        ``(images, labels)``: ``uint8`` images, channels last, and ``int64`` labels.

    Shape:
        images (N, 32, 32, 3), labels (N,).

    Raises:
        DataIntegrityError: a batch file is missing or its size is not a whole number of records.

    Example:
        >>> x, y = read_cifar10_binary(fetch("cifar10", "cifar-10-binary.tar.gz"))  # doctest: +SKIP
    """
    check_choice(split, "split", ("train", "test"))
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] if split == "train" else ["test_batch.bin"]
    chunks: dict[str, bytes] = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                base = member.name.rsplit("/", 1)[-1]
                if base in names and member.isfile():
                    fh = archive.extractfile(member)
                    assert fh is not None
                    chunks[base] = fh.read()
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise DataIntegrityError(
            f"{path} is not a readable CIFAR-10 binary archive: {exc}"
        ) from exc
    missing = [n for n in names if n not in chunks]
    if missing:
        raise DataIntegrityError(
            f"{path} lacks {', '.join(missing)}: is it cifar-10-binary.tar.gz?"
        )
    images, labels = [], []
    for name in names:
        raw = np.frombuffer(chunks[name], dtype=np.uint8)
        if raw.size % _CIFAR_RECORD:
            raise DataIntegrityError(
                f"{name} in {path} holds {raw.size} bytes, not a multiple of {_CIFAR_RECORD}"
            )
        records = raw.reshape(-1, _CIFAR_RECORD)  # (N, 1 + 3072)
        labels.append(records[:, 0].astype(np.int64))
        images.append(records[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))  # (N, 32, 32, 3)
    return np.ascontiguousarray(np.concatenate(images)), np.concatenate(labels)


def load_cifar10(split: str = "train", *, download: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Load CIFAR-10 from its binary version (about 163 MiB, downloaded once into the cache).

    Args:
        split: ``"train"`` (50,000 images) or ``"test"`` (10,000 images).
        download: allow a download when no local copy exists.

    Returns:
        ``(images, labels)``: ``uint8`` images, channels last, and ``int64`` labels, indices into
        :data:`CIFAR10_CLASSES`.

    Shape:
        images (N, 32, 32, 3), labels (N,).

    Example:
        >>> x, y = load_cifar10("test")  # doctest: +SKIP
    """
    return read_cifar10_binary(fetch("cifar10", "cifar-10-binary.tar.gz", download=download), split)


def load_diamonds() -> Any:
    """Return the 53,940-row diamonds table shipped with plotnine (offline), as a pandas DataFrame.

    Example:
        >>> load_diamonds().shape  # doctest: +SKIP
        (53940, 10)
    """
    from plotnine.data import diamonds

    return diamonds.copy()


def load_co2() -> Any:
    """Return the Mauna Loa CO2 record (ppm) shipped with statsmodels, resampled to monthly means.

    Weekly gaps are filled by linear interpolation before averaging.

    Returns:
        A pandas Series indexed by month start, named ``"co2"``.

    Example:
        >>> load_co2().name  # doctest: +SKIP
        'co2'
    """
    from statsmodels.datasets import co2

    weekly = co2.load_pandas().data["co2"].interpolate()
    monthly = weekly.resample("MS").mean()
    monthly.name = "co2"
    return monthly


def load_photo(name: str = "chelsea", *, gray: bool = False) -> np.ndarray:
    """Return one of scikit-image's bundled photographs (offline) as a float array in [0, 1].

    Args:
        name: ``"chelsea"`` (a cat), ``"astronaut"``, ``"camera"`` or ``"coffee"``.
        gray: convert colour images to grayscale (luminance).

    Returns:
        A float64 image.

    Shape:
        (H, W) for grayscale, (H, W, 3) for colour.

    Example:
        >>> load_photo("camera").shape  # doctest: +SKIP
        (512, 512)
    """
    from skimage import color, data, util

    check_choice(name, "name", ("chelsea", "astronaut", "camera", "coffee"))
    image = util.img_as_float(getattr(data, name)())
    if gray and image.ndim == 3:
        image = color.rgb2gray(image)
    return image
