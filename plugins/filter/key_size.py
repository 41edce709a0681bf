# -*- coding: utf-8 -*-
# Copyright: contributors to hacluster.pacemaker
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The size of a base64-encoded key, by the authkey module's own rule, so
that a role can check a given key without ever printing it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.hacluster.pacemaker.plugins.module_utils import _validate as v


def key_size(value):
    """Decoded bytes of the key, or -1 when it is not base64."""
    key = v.b64_key(value)
    return -1 if key is None else len(key)


class FilterModule(object):
    def filters(self):
        return {"key_size": key_size}
