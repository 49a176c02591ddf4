"""What a person's e-mail address tells about their company: shared by every way people come in
(the capture form and API, imports), so that both find the same account for the same address."""

# Consumer mailboxes: a person writing from one of these tells nothing about their company.
FREE_MAIL = frozenset(
    """gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.fr ymail.com hotmail.com
    hotmail.co.uk hotmail.fr outlook.com live.com msn.com aol.com icloud.com me.com mac.com
    proton.me protonmail.com gmx.com gmx.de gmx.net web.de mail.com mail.ru yandex.ru yandex.com
    qq.com 163.com 126.com zoho.com fastmail.com hey.com free.fr orange.fr t-online.de libero.it
    btinternet.com comcast.net""".split()
)


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[1].lower()
