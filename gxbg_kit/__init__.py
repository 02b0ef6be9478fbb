"""gxbg_kit: Chinese government information disclosure annual reports as tidy, checked frames."""
from .schema import dictionary

__all__ = ["dictionary"]
__version__ = "0.1.0"
