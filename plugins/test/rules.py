# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Jinja tests for the roles' checks, on the modules' own rules
(module_utils), so that a role and a module never disagree on what is valid."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _files
from ansible_collections.hacluster.pacemaker.plugins.module_utils import _validate as v


def ticket_name(value):
    return v.check_ticket_name("name", value) is None


def file_mode(value):
    return value is not None and _files.octal_mode(value)[1] is None


class TestModule(object):
    def tests(self):
        return {"port": v.is_port, "ticket_name": ticket_name, "file_mode": file_mode}
