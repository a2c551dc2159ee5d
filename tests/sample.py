"""The bundled sample country, made as data/make-sample.sh makes it (seed 1,
300 hazards, 25 districts in 9 provinces, a country finishing), for the
tests that look at its outputs as a reader does."""
import subprocess


def make(gen, path):
    """Write the sample's GeoPackage to path with the generator gen."""
    subprocess.run([gen, "--out", path, "--seed", "1", "--hazards", "300",
                    "--regions", "25", "--profile", "finishing"], check=True,
                   capture_output=True)
    return path
