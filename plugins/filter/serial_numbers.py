# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificate serial numbers as a user copies them from openssl (quoted
hexadecimal; numbers are refused), read by one rule (_validate.serial_number)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible_collections.hacluster.pacemaker.plugins.module_utils import _validate as v


def serial_number_errors(values, option="serial numbers"):
    """One message per value that is no serial number."""
    return [m for m in (v.serial_number(option, x)[1] for x in values or []) if m]


def serial_numbers(values, option="serial numbers"):
    """The serial numbers as integers, without repeats, in the given order."""
    out = []
    for value in values or []:
        serial, message = v.serial_number(option, value)
        if message:
            raise AnsibleFilterError(message)
        if serial not in out:
            out.append(serial)
    return out


class FilterModule(object):
    def filters(self):
        return {"serial_numbers": serial_numbers, "serial_number_errors": serial_number_errors}
