from .roles import Role, roles_de


def roles(request):
    codes = roles_de(request.user)
    return {"roles_utilisateur": codes, "libelles_roles": [Role(c).label for c in sorted(codes) if c in Role.values]}
