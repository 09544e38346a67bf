# The report is read in the admin: the admin tests' courses and fast hashing serve here too.
from tests.admin.conftest import _fast_password_hashing, course_a, course_b, superuser  # noqa: F401
