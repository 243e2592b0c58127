"""xinyong (信用): an open-source public credit information platform.

Credit offices of Chinese cities and provinces run such platforms: departments report
catalogued credit information, the platform validates and keeps it, publishes the public
part, runs the serious-dishonesty list procedure, answers the mandatory checks
(应查必查), handles objections and credit repair, and exchanges data with other platforms.
"""

__version__ = "0.1.0"
